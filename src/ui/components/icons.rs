//! Channel icons (decorative: the channel is also written out beside them).

use leptos::prelude::*;

/// A 16-px outline icon of a channel, hidden from assistive technology.
pub fn channel_icon(channel: &str) -> impl IntoView {
    let path = match channel {
        "chat" => "M3 4.5A2.5 2.5 0 0 1 5.5 2h9A2.5 2.5 0 0 1 17 4.5v6a2.5 2.5 0 0 1-2.5 2.5H9l-4 3.5V13h0.5A2.5 2.5 0 0 1 3 10.5z",
        "sms" => "M6.5 2h7A1.5 1.5 0 0 1 15 3.5v13a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 5 16.5v-13A1.5 1.5 0 0 1 6.5 2zM9 15.5h2",
        "email" => "M2.5 4.5h15v11h-15zM2.5 5l7.5 6 7.5-6",
        "voice" => "M5 2.5l3 3.5-1.5 2a9 9 0 0 0 5.5 5.5l2-1.5 3.5 3-1.5 2.5C9 17.5 2.5 11 2.5 4z",
        _ => "M10 2.5a7.5 7.5 0 1 0 0 15a7.5 7.5 0 1 0 0-15zM6.5 8h7M6.5 12h7",
    };
    view! {
        <span class=format!("channel-icon channel-{channel}") aria-hidden="true">
            <svg viewBox="0 0 20 20" width="16" height="16" focusable="false">
                <path d=path fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" stroke-linecap="round"></path>
            </svg>
        </span>
    }
}

/// The offer sound's bell (struck through when the sound is off), hidden from assistive
/// technology: the button's pressed state says whether it is on. An outline, not an emoji,
/// which a machine without a colour-emoji font shows as an empty box.
pub fn bell_icon(on: bool) -> impl IntoView {
    let path = if on {
        "M10 2.5A4.5 4.5 0 0 0 5.5 7v3.5L4 13.5h12l-1.5-3V7A4.5 4.5 0 0 0 10 2.5zM8 15.5a2 2 0 0 0 4 0"
    } else {
        "M10 2.5A4.5 4.5 0 0 0 5.5 7v3.5L4 13.5h12l-1.5-3V7A4.5 4.5 0 0 0 10 2.5zM8 15.5a2 2 0 0 0 4 0M3 3l14 14"
    };
    view! {
        <svg viewBox="0 0 20 20" width="16" height="16" focusable="false" aria-hidden="true">
            <path d=path fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" stroke-linecap="round"></path>
        </svg>
    }
}
