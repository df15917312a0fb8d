//! Entry point of the desk bundle (`/`, `/session/:item`, `/signin`, not-found): mounts
//! [`omnidesk::ui::DeskApp`] on the body. The supervisor page and the customer's `/chat` are
//! their own bundles (`src/bin/`); index.html's loader picks one by address.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(omnidesk::ui::DeskApp);
}

// The app only runs in a browser; a host build of the binary does nothing.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omnidesk is a WebAssembly app: run it with `trunk serve` (see README.md).");
}
