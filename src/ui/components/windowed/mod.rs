//! A windowed table body, as the dashboard streams window their lists: only the rows in view
//! (and a few either side) are in the DOM; two spacer rows stand for the rest, so the
//! scrollbar is true. The row height is measured from a rendered row (it grows when a narrow
//! screen stacks the cells). The table says how many rows it has (`aria-rowcount`) and each
//! row where it is (`aria-rowindex`), so a screen reader knows the whole.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 4;

/// The scroll state of one windowed table.
#[derive(Clone, Copy)]
pub struct Window {
    scroll_top: RwSignal<i32>,
    viewport: RwSignal<i32>,
    row_height: RwSignal<i32>,
    /// The scrolling element around the table.
    pub body: NodeRef<leptos::html::Div>,
}

impl Window {
    /// A window whose rows are about `row_height` pixels high until one is measured.
    pub fn new(row_height: i32) -> Window {
        Window {
            scroll_top: RwSignal::new(0),
            viewport: RwSignal::new(600),
            row_height: RwSignal::new(row_height),
            body: NodeRef::new(),
        }
    }

    /// The rows to render of `total`: `first..last`.
    pub fn range(&self, total: usize) -> (usize, usize) {
        let h = self.row_height.get().max(1);
        let first = ((self.scroll_top.get().max(0) / h) as usize).saturating_sub(OVERSCAN);
        let count = (self.viewport.get() / h + 1) as usize + 2 * OVERSCAN;
        let first = first.min(total);
        (first, (first + count).min(total))
    }

    /// The spacer heights for `first..last` of `total`, in CSS pixels.
    pub fn spacers(&self, (first, last): (usize, usize), total: usize) -> (String, String) {
        let h = self.row_height.get() as usize;
        (
            format!("{}px", first * h),
            format!("{}px", (total - last) * h),
        )
    }

    /// The scroll handler: reads the position, the height and a row's height.
    pub fn on_scroll(&self) {
        let Some(el) = self.body.get_untracked() else {
            return;
        };
        let height = el.client_height();
        if height == 0 {
            return; // hidden: keep the last real window
        }
        let row = el.query_selector("tbody tr[aria-rowindex]").ok().flatten();
        if let Some(row) = row.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
            let h = row.offset_height();
            if h > 0 && h != self.row_height.get_untracked() {
                self.row_height.set(h);
            }
        }
        self.scroll_top.set(el.scroll_top());
        self.viewport.set(height);
    }
}

/// A spacer row (hidden from assistive technology).
pub fn spacer(height: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! { <tr class="spacer" aria-hidden="true" style:height=height></tr> }
}
