//! One work item: customer, channel (icon and name), queue, live age, its action (Open, Pick,
//! Reopen + the customer's name) and "Why?".

use crate::model::projection::{self, Row, Stream};
use crate::ui::components::icons::channel_icon;
use crate::ui::context::{Clock, Commands, Dialogs};
use leptos::prelude::*;

/// One work item: customer, channel (icon and name), queue, live age, its action and "Why?".
#[component]
pub fn RowView(stream: Stream, row: Row) -> impl IntoView {
    let commands = expect_context::<Commands>();
    let dialogs = expect_context::<Dialogs>();
    let clock = expect_context::<Clock>();
    let Row {
        id,
        customer,
        channel,
        channel_label,
        queue,
        since,
        note,
    } = row;
    let action = stream.action();
    let action_name = format!("{action} {customer}");
    let why_name = format!("Why? {customer}");
    let act_id = id.clone();
    let why_id = id.clone();
    let on_action = move |_| match stream {
        Stream::My => commands.open(act_id.clone()),
        Stream::Open => commands.pick(act_id.clone()),
        Stream::Closed => commands.reopen(act_id.clone()),
    };
    let primary = if stream == Stream::My {
        "btn btn-primary"
    } else {
        "btn"
    };
    view! {
        <li class="row">
            {channel_icon(&channel)}
            <div class="row-main">
                <span class="customer">{customer}</span>
                <span class="meta">
                    <span>{channel_label}</span>
                    <span aria-hidden="true">" · "</span>
                    <span>{queue}</span>
                    {note.map(|n| view! { <span aria-hidden="true">" · "</span><span class="note">{n}</span> })}
                </span>
            </div>
            <span class="age">
                <span class="age-label">{stream.age_label()}" "</span>
                {move || projection::age(clock.now(), since)}
            </span>
            <div class="row-actions">
                <button type="button" class=primary aria-label=action_name on:click=on_action>
                    {action}
                </button>
                <button
                    type="button"
                    class="btn btn-subtle"
                    aria-label=why_name
                    on:click=move |_| dialogs.why.set(Some(why_id.clone()))
                >
                    "Why?"
                </button>
            </div>
        </li>
    }
}
