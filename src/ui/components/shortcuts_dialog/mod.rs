//! `?` (outside text fields) opens **Keyboard shortcuts**: a dialog listing every shortcut of
//! the workspace (ui-contract.md, "Keyboard"). Escape or **Close** shuts it.

use super::dialog::ModalDialog;
use super::focus::typing;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// (keys, where, what) — the contract's keyboard table.
const SHORTCUTS: [(&str, &str, &str); 13] = [
    ("?", "Anywhere outside a text field", "Show these shortcuts"),
    ("Ctrl+Alt+1 … 9", "Anywhere", "Select session 1 … 9"),
    (
        "↑ ↓ Home End",
        "Sessions",
        "Previous, next, first, last session",
    ),
    ("Delete", "A session tab", "Close that session"),
    (
        "← → Home End",
        "Applications",
        "Move between the session's app tabs",
    ),
    (
        "Enter, Space, ↓",
        "Presence, Transfer",
        "Open the menu (↑ on Presence: at its last item)",
    ),
    ("↑ ↓ Home End", "An open menu", "Move between its items"),
    (
        "Escape",
        "An open menu",
        "Close it (Escape never rejects an offer)",
    ),
    ("Escape", "A dialog", "Cancel and close it"),
    ("Enter", "Message", "Send"),
    ("Shift+Enter", "Message", "New line"),
    (
        "/",
        "Message (first character)",
        "Open the quick replies; words after it narrow them",
    ),
    (
        "↑ ↓ Enter Escape",
        "Quick replies",
        "Move, insert the reply, close the list",
    ),
];

#[component]
pub fn ShortcutsDialog() -> impl IntoView {
    let open = RwSignal::new(false);
    let listener = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() == "?" && !ev.ctrl_key() && !ev.alt_key() && !ev.meta_key() && !typing() {
            ev.prevent_default();
            open.set(true);
        }
    });
    on_cleanup(move || listener.remove());
    let close = move || open.set(false);
    move || {
        open.get().then(|| {
            let rows = SHORTCUTS
                .iter()
                .map(|(keys, place, what)| view! { <tr><th scope="row"><kbd>{*keys}</kbd></th><td>{*place}</td><td>{*what}</td></tr> }.into_any())
                .collect_view();
            view! {
                <ModalDialog role="dialog" labelled_by="shortcuts-title" initial_focus="shortcuts-close" wide=true on_escape=close>
                    <h2 id="shortcuts-title" class="dialog-title">"Keyboard shortcuts"</h2>
                    <table class="shortcuts">
                        <thead><tr><th scope="col">"Keys"</th><th scope="col">"Where"</th><th scope="col">"What it does"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <div class="dialog-actions">
                        <button type="button" id="shortcuts-close" class="btn btn-primary" on:click=move |_| close()>"Close"</button>
                    </div>
                </ModalDialog>
            }
            .into_any()
        })
    }
}
