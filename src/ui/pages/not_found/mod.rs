//! An address the app doesn't have: says so, with a link Home.

use crate::ui::context::Navigator;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn NotFound() -> impl IntoView {
    let nav = Navigator::here();
    let path = use_location().pathname;
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand" aria-hidden="true">"◆"</span>
                <span class="product">"omnidesk"</span>
            </header>
            <main class="page">
                <h1 class="panel-title">"Page not found"</h1>
                <p class="panel-lead">
                    {move || format!("There is no page at {} in omnidesk.", path.get())}
                </p>
                // A full load: this page is in every bundle, Home only in the desk's.
                <p><a href=move || nav.href("/") rel="external">"Home"</a></p>
            </main>
        </div>
    }
}
