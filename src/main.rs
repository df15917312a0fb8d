//! Entry point of the browser app: mounts the shell on the page body.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // The customer chat page of the demo's live-chat channel; everything else is the agent app.
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if path.trim_end_matches('/') == "/chat" {
        leptos::mount::mount_to_body(omnidesk::ui::chat::ChatPage);
    } else {
        leptos::mount::mount_to_body(omnidesk::ui::App);
    }
}

// The app only runs in a browser; a host build of the binary does nothing.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omnidesk is a WebAssembly app: run it with `trunk serve` (see README.md).");
}
