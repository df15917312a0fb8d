//! Entry point of the browser app: mounts [`omnidesk::ui::App`] (the router) on the body.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(omnidesk::ui::App);
}

// The app only runs in a browser; a host build of the binary does nothing.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omnidesk is a WebAssembly app: run it with `trunk serve` (see README.md).");
}
