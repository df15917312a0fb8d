//! Server mode's signed-in agent and Sign out in the top bar.

use crate::ui::context::CentreView;
use leptos::prelude::*;

#[component]
pub fn SignOut(on_sign_out: impl Fn() + Copy + 'static) -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let name = centre.peek(|c| {
        c.engine
            .config()
            .agents
            .get(&c.me)
            .map_or_else(|| c.me.to_string(), |a| a.name.clone())
    });
    view! {
        <span class="signed-in-as">{name}</span>
        <button type="button" class="sign-out" on:click=move |_| on_sign_out()>"Sign out"</button>
    }
}
