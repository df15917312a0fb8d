//! The `Presence:` menu button with R4's colour circle: the statuses as `menuitemradio`s and
//! **Reset presence** ([`super::menu_button`] carries the keyboard model).

use super::menu_button::{MenuButton, MenuHandle};
use crate::model::projection;
use crate::ui::context::{CentreView, Commands};
use leptos::prelude::*;

#[component]
pub fn PresenceMenu() -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let commands = expect_context::<Commands>();
    let me = Memo::new(move |_| centre.read(|c| projection::me(&c.engine, &c.me)));
    let (choices, config) = centre.peek(|c| {
        (
            projection::presence_choices(c.engine.config()),
            c.engine.config().clone(),
        )
    });
    let trigger = view! {
        <span class=move || format!("dot {}", me.with(|m| m.class)) aria-hidden="true"></span>
        <span class="sr-only">"Presence: "</span>
        <span>{move || me.with(|m| m.label.clone())}</span>
        <span class="chevron" aria-hidden="true">"▾"</span>
    }
    .into_any();
    view! {
        <MenuButton
            menu_id="presence-menu".to_owned()
            menu_label="Presence"
            class="presence"
            button_class="presence-button"
            button_id="presence-button"
            trigger=trigger
        >
            {choices
                .into_iter()
                .map(|p| {
                    let label = projection::presence_label(&p);
                    let dot = projection::presence_class(&config, &p);
                    let checked_p = p.clone();
                    let menu = expect_context::<MenuHandle>();
                    view! {
                        <button
                            type="button"
                            role="menuitemradio"
                            class="menuitem"
                            tabindex="-1"
                            aria-checked=move || me.with(|m| m.presence == checked_p).to_string()
                            on:click=move |_| {
                                commands.set_presence(p.clone());
                                menu.close(true);
                            }
                        >
                            <span class=format!("dot {dot}") aria-hidden="true"></span>
                            <span>{label}</span>
                        </button>
                    }
                })
                .collect_view()}
            <div role="separator" class="menu-separator"></div>
            <ResetPresence />
        </MenuButton>
    }
}

#[component]
fn ResetPresence() -> impl IntoView {
    let commands = expect_context::<Commands>();
    let menu = expect_context::<MenuHandle>();
    view! {
        <button
            type="button"
            role="menuitem"
            class="menuitem"
            tabindex="-1"
            on:click=move |_| {
                commands.reset_presence();
                menu.close(true);
            }
        >
            <span class="dot dot-none" aria-hidden="true">"↺"</span>
            <span>"Reset presence"</span>
        </button>
    }
}
