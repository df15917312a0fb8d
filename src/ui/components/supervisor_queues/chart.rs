//! A queue's chart: In queue over the last hour, a minute a point, as a small SVG `img` named
//! "Queue length of <queue> over the last hour" and described by its text alternative (the
//! count now and the peak). The history is the centre's ([`crate::model::queue_history`]).

use crate::model::queue_history::{polyline, summary};
use crate::ui::context::{CentreView, Clock};
use leptos::prelude::*;
use omnidesk_core::QueueId;

const W: u32 = 120;
const H: u32 = 28;

#[component]
pub fn QueueChart(queue: QueueId, name: String, open: u32) -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let clock = expect_context::<Clock>();
    let key = queue.clone();
    let minutes = Memo::new(move |_| centre.read(|c| c.history.minutes(&key, clock.now(), open)));
    let text_id = format!("chart-text-{queue}");
    view! {
        <svg
            class="sup-chart"
            role="img"
            aria-label=format!("Queue length of {name} over the last hour")
            aria-describedby=text_id.clone()
            viewBox=format!("0 0 {W} {}", H + 2)
            width=W
            height=H + 2
        >
            <line x1="0" y1=H + 1 x2=W y2=H + 1 class="sup-chart-axis" />
            <polyline
                class="sup-chart-line"
                points=move || minutes.with(|m| polyline(m, W, H))
                transform="translate(0 1)"
            />
        </svg>
        <span id=text_id class="sr-only">{move || minutes.with(|m| summary(m, open))}</span>
    }
}
