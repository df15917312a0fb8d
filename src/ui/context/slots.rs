//! [`ModeSlots`]: where the mode puts its own widgets in mode-agnostic views — the top bar's
//! (server mode: Connection, Sign out), the status bar's (the refusal bar), the dashboard's
//! (the standalone demo: the Demo region). Provided by the mode's workspace route, so the
//! components never name the mode.

use leptos::prelude::*;

#[derive(Clone, Default)]
pub struct ModeSlots {
    pub top_bar: Option<ViewFn>,
    pub status_bar: Option<ViewFn>,
    pub dashboard: Option<ViewFn>,
}

/// Renders a slot (nothing when the mode has no widget there, or outside a workspace).
pub fn slot(pick: impl Fn(&ModeSlots) -> Option<ViewFn>) -> impl IntoView {
    use_context::<ModeSlots>()
        .and_then(|s| pick(&s))
        .map(|f| f.run())
}
