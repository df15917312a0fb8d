//! The agent dashboard (ui-contract.md, "Dashboard"): three live streams — My work items
//! (Open), Open work items from the agent's queues (Pick), Closed work items of the last 24 h
//! (Reopen) — each with a filter box, a sort control and a windowed list (only the visible
//! rows are in the DOM, so 10 000 items stay fast), and the Demo region.

use leptos::prelude::*;

use super::icons::channel_icon;
use super::workspace::Workspace;
use crate::projection::{self, Row, Sort, Stream};

/// The height of one row in pixels (style/main.css `.row` agrees).
pub const ROW_HEIGHT: i32 = 64;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 4;

#[component]
pub fn Dashboard() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    // The first paint with rows, for the benchmark (performance.mark).
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        request_animation_frame(|| crate::runtime::browser::mark("streams-painted"));
        true
    });
    view! {
        <div class="dash-head">
            <div>
                <h1 class="panel-title">"Agent dashboard"</h1>
                <p class="panel-lead">
                    "Your work items, the open items of your queues and what you closed in the last 24 hours."
                </p>
            </div>
            {demo_controls(ws)}
        </div>
        <div class="streams">
            {Stream::ALL.into_iter().map(|s| view! { <StreamView ws=ws stream=s /> }).collect_view()}
        </div>
    }
}

/// The Demo region, in the standalone build only. A real `cfg`, not `if SERVER_BUILD`: its
/// click handlers are boxed closures, whose vtables wasm's linker keeps even when the code
/// building them is gone — and they would keep the simulator and the engine's routing in the
/// server's bundle.
#[cfg(not(feature = "server"))]
fn demo_controls(ws: Workspace) -> Option<impl IntoView> {
    Some(view! { <DemoControls ws=ws /> })
}

#[cfg(feature = "server")]
fn demo_controls(_: Workspace) -> Option<()> {
    None
}

/// The Demo region: buttons that enqueue a conversation from a generated customer.
#[cfg(not(feature = "server"))]
#[component]
fn DemoControls(ws: Workspace) -> impl IntoView {
    let sim_on = ws.peek(|c| c.sim_on);
    let note = if sim_on {
        format!("Simulator on · seed {}", ws.seed)
    } else {
        "Simulator off".to_owned()
    };
    view! {
        <section role="region" aria-label="Demo" class="demo">
            <span class="demo-title" aria-hidden="true">"Demo"</span>
            <button type="button" class="btn" on:click=move |_| ws.simulate("chat")>
                {channel_icon("chat")}
                "Simulate chat"
            </button>
            <button type="button" class="btn" on:click=move |_| ws.simulate("sms")>
                {channel_icon("sms")}
                "Simulate SMS"
            </button>
            <span class="demo-note">{note}</span>
        </section>
    }
}

/// One stream: heading, count, filter, sort and the windowed list of rows.
#[component]
fn StreamView(ws: Workspace, stream: Stream) -> impl IntoView {
    let rows =
        Memo::new(move |_| ws.read(|c| projection::rows(&c.engine, &c.journal, &c.me, stream)));
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(Sort::Default);
    let shown = Memo::new(move |_| {
        let f = filter.get();
        let s = sort.get();
        rows.with(|r| projection::view(r, s, &f))
    });
    let scroll_top = RwSignal::new(0i32);
    let viewport = RwSignal::new(900i32);
    let body = NodeRef::<leptos::html::Div>::new();
    let window = Memo::new(move |_| {
        let total = shown.with(|v| v.len());
        let first = ((scroll_top.get().max(0) / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_HEIGHT + 1) as usize + 2 * OVERSCAN;
        let first = first.min(total);
        let last = (first + count).min(total);
        (first, last, total)
    });
    let visible = move || {
        let (first, last, _) = window.get();
        shown.with(|v| v[first..last].to_vec())
    };
    let on_scroll = move |_| {
        if let Some(el) = body.get_untracked() {
            // A hidden panel (another session selected) reports a zero height and scrolls to
            // the top: keep the last real window instead of shrinking it to nothing.
            let height = el.client_height();
            if height > 0 {
                scroll_top.set(el.scroll_top());
                viewport.set(height);
            }
        }
    };
    let name = stream.name();
    let slug = stream.slug();
    let title_id = format!("stream-{slug}-title");
    let sort_id = format!("stream-{slug}-sort");
    let labelled_by = title_id.clone();
    let sort_for = sort_id.clone();
    view! {
        <section role="region" aria-labelledby=labelled_by class=format!("stream stream-{slug}")>
            <header class="stream-head">
                <h2 id=title_id class="stream-title">{name}</h2>
                <span class="count" aria-hidden="true">{move || rows.with(|r| r.len())}</span>
            </header>
            <div class="stream-tools">
                <input
                    type="search"
                    class="filter"
                    aria-label=format!("Filter {name}")
                    placeholder="Customer, channel or queue"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <label class="sort-label" for=sort_for>"Sort"</label>
                <select
                    id=sort_id
                    class="sort"
                    aria-label=format!("Sort {name}")
                    on:change=move |ev| sort.set(Sort::from_value(&event_target_value(&ev)))
                >
                    {Sort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.value()>{s.label(stream)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="stream-body" node_ref=body on:scroll=on_scroll>
                <p class="empty" hidden=move || shown.with(|v| !v.is_empty())>
                    {move || {
                        if rows.with(|r| r.is_empty()) {
                            stream.empty_text()
                        } else {
                            "No item matches the filter."
                        }
                    }}
                </p>
                <div
                    class="spacer-top"
                    style:height=move || format!("{}px", window.get().0 * ROW_HEIGHT as usize)
                ></div>
                <ul class="rows" aria-label=name hidden=move || shown.with(|v| v.is_empty())>
                    <For
                        each=visible
                        key=|r: &Row| (r.id.clone(), r.since, r.note)
                        children=move |row: Row| view! { <RowView ws=ws stream=stream row=row /> }
                    />
                </ul>
                <div
                    class="spacer-bottom"
                    style:height=move || {
                        let (_, last, total) = window.get();
                        format!("{}px", (total - last) * ROW_HEIGHT as usize)
                    }
                ></div>
            </div>
        </section>
    }
}

/// One work item: customer, channel (icon and name), queue, live age, its action and "Why?".
#[component]
fn RowView(ws: Workspace, stream: Stream, row: Row) -> impl IntoView {
    let Row {
        id,
        customer,
        channel,
        channel_label,
        queue,
        since,
        note,
    } = row;
    let action = stream.action();
    let action_name = format!("{action} {customer}");
    let why_name = format!("Why? {customer}");
    let act_id = id.clone();
    let why_id = id.clone();
    let on_action = move |_| match stream {
        Stream::My => ws.open_session(act_id.clone()),
        Stream::Open => ws.pick(act_id.clone()),
        Stream::Closed => ws.reopen(act_id.clone()),
    };
    let primary = if stream == Stream::My {
        "btn btn-primary"
    } else {
        "btn"
    };
    view! {
        <li class="row">
            {channel_icon(&channel)}
            <div class="row-main">
                <span class="customer">{customer}</span>
                <span class="meta">
                    <span>{channel_label}</span>
                    <span aria-hidden="true">" · "</span>
                    <span>{queue}</span>
                    {note.map(|n| view! { <span aria-hidden="true">" · "</span><span class="note">{n}</span> })}
                </span>
            </div>
            <span class="age">
                <span class="age-label">{stream.age_label()}" "</span>
                {move || projection::age(ws.now.get(), since)}
            </span>
            <div class="row-actions">
                <button type="button" class=primary aria-label=action_name on:click=on_action>
                    {action}
                </button>
                <button
                    type="button"
                    class="btn btn-subtle"
                    aria-label=why_name
                    on:click=move |_| ws.why.set(Some(why_id.clone()))
                >
                    "Why?"
                </button>
            </div>
        </li>
    }
}
