//! The dialogs: the offer notification (an `alertdialog` with Accept and Reject, its countdown
//! computed from the offer's expiry), R10's confirmation before a hand-chosen overbooking, and
//! R18's "Why?" explanation.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::workspace::Workspace;
use crate::projection;

/// Focuses the element with `id` after the DOM has updated.
fn focus_id(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Escape closes a modal dialog even before focus has moved into it (focus moves on the next
/// animation frame, and a quick Escape would otherwise land on the page behind the backdrop).
/// The dialog's own handler runs first when focus is inside and marks the event handled.
fn close_on_escape(is_open: impl Fn() -> bool + 'static, close: impl Fn() + 'static) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && !ev.default_prevented() && is_open() {
            ev.prevent_default();
            close();
        }
    });
    std::mem::forget(handle); // the dialogs live as long as the workspace
}

/// Whether the agent is typing in a text field (an offer must not steal focus then).
fn typing() -> bool {
    document().active_element().is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || e.get_attribute("contenteditable").is_some()
    })
}

/// Keeps Tab inside a modal dialog element.
fn trap_tab(ev: &KeyboardEvent, dialog: &web_sys::Element) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) =
        dialog.query_selector_all("button, [href], input, select, [tabindex]:not([tabindex='-1'])")
    else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let first = list.item(0);
    let last = list.item(n - 1);
    let active = document().active_element().map(web_sys::Node::from);
    let target = if ev.shift_key() && active == first {
        last
    } else if !ev.shift_key() && active == last {
        first
    } else {
        None
    };
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = el.focus();
    }
}

/// The element that had focus before a dialog opened, to give it back.
fn remember_focus() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

/// The ringing offers, stacked (soonest to expire first), none lost. Each new one is
/// announced through a live region, takes focus only when the agent isn't typing, shows the
/// browser's notification when the page is hidden, and beeps when the sound is on.
#[component]
pub fn OfferNotice(ws: Workspace) -> impl IntoView {
    let offers = Memo::new(move |_| ws.read(|c| projection::offers(&c.engine, &c.journal, &c.me)));
    let announcement = RwSignal::new(String::new());
    Effect::new(move |previous: Option<Vec<omnidesk_core::ItemId>>| {
        let current: Vec<_> = offers.with(|o| o.iter().map(|o| o.id.clone()).collect());
        let seen = previous.unwrap_or_default();
        let fresh: Vec<projection::Offer> = offers.with_untracked(|o| {
            o.iter()
                .filter(|o| !seen.contains(&o.id))
                .cloned()
                .collect()
        });
        if let Some(o) = fresh.first() {
            let text = format!(
                "New {} request from {}{}",
                o.channel_label,
                o.customer,
                o.text
                    .as_ref()
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default()
            );
            announcement.set(text.clone());
            super::notify::show(
                &format!("{} request: {}", o.channel_label, o.customer),
                &text,
            );
            if ws.sound.get_untracked() {
                super::notify::beep();
            }
            if !typing() {
                let id = format!("offer-accept-{}", o.id);
                request_animation_frame(move || {
                    if let Some(el) = document()
                        .get_element_by_id(&id)
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                });
            }
        }
        current
    });
    view! {
        <div class="sr-only" role="status" aria-live="assertive">{move || announcement.get()}</div>
        <div class="offers">
            <For each=move || offers.get() key=|o| o.id.clone() let:o>
                <OfferCard ws=ws offer=o />
            </For>
        </div>
    }
}

#[component]
fn OfferCard(ws: Workspace, offer: projection::Offer) -> impl IntoView {
    let o = offer;
    let accept_id = o.id.clone();
    let reject_id = o.id.clone();
    let expires = o.expires_at;
    let title_id = format!("offer-title-{}", o.id);
    let details_id = format!("offer-details-{}", o.id);
    let facts: Vec<(&'static str, String)> = [
        ("Customer ID", o.customer_id.clone()),
        ("Email", o.email.clone()),
        ("Phone", o.phone.clone()),
        ("Language", o.language.clone()),
        ("Location", o.location.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .chain(std::iter::once((
        "Previous conversations",
        o.previous.to_string(),
    )))
    .collect();
    view! {
        <div
            class="offer"
            class:offer-urgent=move || projection::urgent(ws.now.get(), expires)
            role="alertdialog"
            aria-labelledby=title_id.clone()
            aria-describedby=details_id.clone()
        >
            <h2 id=title_id.clone() class="offer-title">
                {format!("{} request: {}", o.channel_label, o.customer)}
            </h2>
            <div id=details_id.clone() class="offer-details">
                <p class="offer-meta">{format!("Queue: {}", o.queue)}</p>
                {o.text.clone().map(|t| view! { <p class="offer-text">{t}</p> })}
                <dl class="offer-facts">
                    {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </div>
            <p class="offer-timer">
                "Time left: "
                <span role="timer" aria-live="off">
                    {move || projection::countdown(ws.now.get(), expires)}
                </span>
            </p>
            <div class="offer-actions">
                <button
                    type="button"
                    id=format!("offer-accept-{}", o.id)
                    class="btn btn-primary"
                    on:click=move |_| ws.accept(accept_id.clone())
                >
                    "Accept"
                </button>
                <button
                    type="button"
                    class="btn"
                    on:click=move |_| ws.reject(reject_id.clone())
                >
                    "Reject"
                </button>
            </div>
        </div>
    }
}

/// Close conversation with an unsent reply: discard it, or keep writing.
#[component]
pub fn DiscardDialog(ws: Workspace) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |was_open: Option<bool>| {
        let open = ws.discard.with(|c| c.is_some());
        if open && was_open != Some(true) {
            focus_id("discard-keep");
        }
        open
    });
    let keep = move || {
        let item = ws.discard.get_untracked();
        ws.discard.set(None);
        if let Some(item) = item {
            let id = format!("message-{item}");
            request_animation_frame(move || {
                if let Some(el) = document()
                    .get_element_by_id(&id)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            });
        }
    };
    close_on_escape(
        move || {
            ws.discard
                .try_with_untracked(|c| c.is_some())
                .unwrap_or(false)
        },
        keep,
    );
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            keep();
        } else if let Some(d) = dialog.get_untracked() {
            trap_tab(&ev, &d);
        }
    };
    move || {
        ws.discard.get().map(|item| {
            view! {
                <div class="backdrop">
                    <div
                        class="dialog"
                        role="alertdialog"
                        aria-modal="true"
                        aria-labelledby="discard-title"
                        aria-describedby="discard-text"
                        node_ref=dialog
                        on:keydown=on_key
                    >
                        <h2 id="discard-title" class="dialog-title">"Discard your unsent reply?"</h2>
                        <p id="discard-text">
                            "You have written a reply that hasn't been sent. Closing the conversation discards it."
                        </p>
                        <div class="dialog-actions">
                            <button
                                type="button"
                                class="btn btn-primary"
                                on:click=move |_| {
                                    ws.discard.set(None);
                                    ws.close_conversation(item.clone());
                                }
                            >
                                "Discard and close"
                            </button>
                            <button type="button" id="discard-keep" class="btn" on:click=move |_| keep()>
                                "Keep writing"
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}

/// R10: "this would take you over capacity" before a hand-chosen pick or reopen.
#[component]
pub fn ConfirmDialog(ws: Workspace) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    let back_to = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let open = ws.confirm.with(|c| c.is_some());
        if open && was_open != Some(true) {
            back_to.set_value(remember_focus());
            focus_id("confirm-cancel");
        }
        open
    });
    let close = move |yes: bool| {
        if yes {
            ws.confirm_yes();
        } else {
            ws.confirm.set(None);
        }
        if let Some(el) = back_to.get_value() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    };
    close_on_escape(
        move || {
            ws.confirm
                .try_with_untracked(|c| c.is_some())
                .unwrap_or(false)
        },
        move || close(false),
    );
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close(false);
        } else if let Some(d) = dialog.get_untracked() {
            trap_tab(&ev, &d);
        }
    };
    move || {
        ws.confirm.get().map(|c| {
            let verb = if c.reopen { "Reopen" } else { "Pick" };
            let doing = if c.reopen { "Reopening" } else { "Picking" };
            view! {
                <div class="backdrop">
                    <div
                        class="dialog"
                        role="alertdialog"
                        aria-modal="true"
                        aria-labelledby="confirm-title"
                        aria-describedby="confirm-text"
                        node_ref=dialog
                        on:keydown=on_key
                    >
                        <h2 id="confirm-title" class="dialog-title">"Go over capacity?"</h2>
                        <p id="confirm-text">
                            {format!(
                                "{doing} {} uses {} units. You would have {} of {} available, and new conversations would wait until you have room again.",
                                c.customer, c.cost, c.after, c.capacity
                            )}
                        </p>
                        <div class="dialog-actions">
                            <button type="button" class="btn btn-primary" on:click=move |_| close(true)>
                                {format!("{verb} anyway")}
                            </button>
                            <button type="button" id="confirm-cancel" class="btn" on:click=move |_| close(false)>
                                "Cancel"
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}

/// R18: why an item is where it is — the last decision and every member's reason now.
#[component]
pub fn WhyDialog(ws: Workspace) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    let back_to = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let why = Memo::new(move |_| {
        let item = ws.why.get()?;
        ws.read(|c| projection::why(&c.engine, &c.journal, &item))
    });
    Effect::new(move |was_open: Option<bool>| {
        let open = ws.why.with(|w| w.is_some());
        if open && was_open != Some(true) {
            back_to.set_value(remember_focus());
            focus_id("why-close");
        }
        open
    });
    let close = move || {
        ws.why.set(None);
        if let Some(el) = back_to.get_value() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    };
    close_on_escape(
        move || ws.why.try_with_untracked(|w| w.is_some()).unwrap_or(false),
        close,
    );
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        } else if let Some(d) = dialog.get_untracked() {
            trap_tab(&ev, &d);
        }
    };
    move || {
        why.get().map(|w| {
            let decision = match w.decision.clone() {
                Some(d) => {
                    let left_out: Vec<_> = d.excluded.iter().filter(|(_, n)| *n > 0).cloned().collect();
                    view! {
                        <dl class="facts">
                            <dt>"Chosen agent"</dt><dd>{d.agent}</dd>
                            <dt>"Deciding rule"</dt><dd>{d.rule}</dd>
                            <dt>"Eligible members"</dt><dd>{d.eligible}</dd>
                            <dt>"Left out"</dt>
                            <dd>
                                {if left_out.is_empty() {
                                    "Nobody".to_owned()
                                } else {
                                    left_out.iter().map(|(r, n)| format!("{r}: {n}")).collect::<Vec<_>>().join(", ")
                                }}
                            </dd>
                        </dl>
                    }
                    .into_any()
                }
                None => view! { <p>"It has not been offered to anyone yet."</p> }.into_any(),
            };
            let counts = w
                .counts_now
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(r, n)| format!("{r}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = w.more_members;
            view! {
                <div class="backdrop">
                    <div
                        class="dialog dialog-wide"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="why-title"
                        node_ref=dialog
                        on:keydown=on_key
                    >
                        <h2 id="why-title" class="dialog-title">{format!("Why? {}", w.customer)}</h2>
                        <p class="why-status">{w.status.clone()}</p>
                        <h3 class="dialog-subtitle">"Last routing decision"</h3>
                        {decision}
                        <h3 class="dialog-subtitle">"Queue members now"</h3>
                        <p>{counts}</p>
                        <table class="members">
                            <caption class="sr-only">"Queue members and the reason each can or can't take the item now"</caption>
                            <thead><tr><th scope="col">"Member"</th><th scope="col">"Reason"</th></tr></thead>
                            <tbody>
                                {w.members.iter().map(|(m, r)| view! { <tr><td>{m.clone()}</td><td>{*r}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                        {(more > 0).then(|| view! { <p>{format!("and {more} more")}</p> })}
                        <div class="dialog-actions">
                            <button type="button" id="why-close" class="btn btn-primary" on:click=move |_| close()>
                                "Close explanation"
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
