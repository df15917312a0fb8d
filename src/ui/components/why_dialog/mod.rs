//! R18: why an item is where it is — the last routing decision and every member's reason now.

use super::dialog::ModalDialog;
use crate::model::projection;
use crate::ui::context::{CentreView, Dialogs};
use leptos::prelude::*;

#[component]
pub fn WhyDialog() -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let centre = expect_context::<CentreView>();
    let why = Memo::new(move |_| {
        let item = dialogs.why.get()?;
        centre.read(|c| projection::why(&c.engine, &c.journal, &item))
    });
    let close = move || dialogs.why.set(None);
    move || {
        why.get().map(|w| {
            let counts = w
                .counts_now
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(r, n)| format!("{r}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = w.more_members;
            view! {
                <ModalDialog role="dialog" labelled_by="why-title" initial_focus="why-close" wide=true on_escape=close>
                    <h2 id="why-title" class="dialog-title">{format!("Why? {}", w.customer)}</h2>
                    <p class="why-status">{w.status.clone()}</p>
                    <h3 class="dialog-subtitle">"Last routing decision"</h3>
                    <LastDecision decision=w.decision.clone() />
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
                </ModalDialog>
            }
        })
    }
}

#[component]
fn LastDecision(decision: Option<projection::Decision>) -> impl IntoView {
    match decision {
        Some(d) => {
            let left_out: Vec<_> = d.excluded.iter().filter(|(_, n)| *n > 0).cloned().collect();
            let left_out = if left_out.is_empty() {
                "Nobody".to_owned()
            } else {
                left_out
                    .iter()
                    .map(|(r, n)| format!("{r}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            view! {
                <dl class="facts">
                    <dt>"Chosen agent"</dt><dd>{d.agent}</dd>
                    <dt>"Deciding rule"</dt><dd>{d.rule}</dd>
                    <dt>"Eligible members"</dt><dd>{d.eligible}</dd>
                    <dt>"Left out"</dt><dd>{left_out}</dd>
                </dl>
            }
            .into_any()
        }
        None => view! { <p>"It has not been offered to anyone yet."</p> }.into_any(),
    }
}
