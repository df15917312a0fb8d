//! A conversation session (ui-contract.md, "Conversation session"): its **Applications**
//! tablist (Active conversation, Customer); the **Conversation** region with its header and
//! actions (`actions`), the `log` of messages (`log`) and the Message box (`composer`);
//! the Customer tab ([`super::customer_profile`]).

mod actions;
mod composer;
pub mod log;
pub mod view;

use super::customer_profile::CustomerProfile;
use super::icons::channel_icon;
use super::tab_list::{TabList, TabSpec};
use crate::model::projection::{self, Conversation};
use crate::model::tabs::Orientation;
use crate::ui::context::{CentreView, SessionsHandle};
use actions::ConversationActions;
use composer::Composer;
use leptos::prelude::*;
use log::MessageLog;
use omnidesk_core::ItemId;
use view::customer_name;

const CONVERSATION_APPS: &[TabSpec] = &[
    TabSpec {
        id: "conversation",
        label: "Active conversation",
    },
    TabSpec {
        id: "customer",
        label: "Customer",
    },
];

#[component]
pub fn ConversationSession(item: ItemId) -> impl IntoView {
    let centre = expect_context::<CentreView>();
    let sessions = expect_context::<SessionsHandle>();
    let selected_app = RwSignal::new(0usize);
    let id = item.to_string();
    let key = item.clone();
    let hidden = move || sessions.with(|s| s.selected_item() != Some(&key));
    let info_item = item.clone();
    let info: Memo<Option<Conversation>> = Memo::new(move |_| {
        centre.read(|c| projection::conversation(&c.engine, &c.journal, &c.me, &info_item))
    });
    let prefix = format!("app-{id}");
    view! {
        <div
            role="tabpanel"
            id=format!("session-panel-{id}")
            aria-labelledby=format!("session-tab-{id}")
            class="session"
            hidden=hidden
        >
            <TabList
                label="Applications"
                prefix=prefix.clone()
                tabs=CONVERSATION_APPS
                selected=selected_app
                orientation=Orientation::Horizontal
            />
            <section
                role="tabpanel"
                id=format!("{prefix}-panel-conversation")
                aria-labelledby=format!("{prefix}-tab-conversation")
                class="app-panel conversation-panel"
                hidden=move || selected_app.get() != 0
            >
                <section role="region" aria-label="Conversation" class="conversation">
                    <header class="conversation-head">
                        {move || info.with(|i| i.as_ref().map(|i| channel_icon(&i.channel)))}
                        <div class="conversation-title">
                            <h1 class="panel-title">{move || customer_name(info)}</h1>
                            <p class="panel-lead">
                                {move || info.with(|i| i.as_ref().map(|i| format!("{} · {}", i.channel_label, i.queue)).unwrap_or_default())}
                                " · "
                                <span class="state-badge">{move || info.with(|i| i.as_ref().map_or("", |i| i.status))}</span>
                            </p>
                        </div>
                        <ConversationActions item=item.clone() info=info />
                    </header>
                    <MessageLog item=item.clone() info=info />
                    <Composer item=item.clone() info=info />
                </section>
            </section>
            <section
                role="tabpanel"
                id=format!("{prefix}-panel-customer")
                aria-labelledby=format!("{prefix}-tab-customer")
                class="app-panel"
                hidden=move || selected_app.get() != 1
            >
                <CustomerProfile info=info />
            </section>
        </div>
    }
}
