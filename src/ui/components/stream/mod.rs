//! One stream of the dashboard: heading, count, filter, sort and a windowed list — only the
//! visible rows are in the DOM, so 10 000 items stay fast.

mod row;

use crate::model::projection::{self, Row, Sort, Stream};
use crate::ui::context::CentreView;
use leptos::prelude::*;
use row::RowView;

/// The height of one row in pixels (style/main.css `.row` agrees).
pub const ROW_HEIGHT: i32 = 64;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 4;

/// One stream: heading, count, filter, sort and the windowed list of rows.
#[component]
pub fn StreamView(stream: Stream) -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let rows =
        Memo::new(move |_| centre.read(|c| projection::rows(&c.engine, &c.journal, &c.me, stream)));
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
                        children=move |row: Row| view! { <RowView stream=stream row=row /> }
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
