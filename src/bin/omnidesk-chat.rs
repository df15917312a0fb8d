//! Entry point of the bundle of the customer's chat page (`/chat`): mounts
//! [`omnidesk::ui::ChatApp`] on the body. index.html's loader loads it at that address.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(omnidesk::ui::ChatApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omnidesk is a WebAssembly app: run it with `trunk serve` (see README.md).");
}
