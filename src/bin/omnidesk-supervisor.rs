//! Entry point of the bundle of the supervisor page (`/supervisor`): mounts
//! [`omnidesk::ui::SupervisorApp`] on the body. index.html's loader loads it at that address.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(omnidesk::ui::SupervisorApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omnidesk is a WebAssembly app: run it with `trunk serve` (see README.md).");
}
