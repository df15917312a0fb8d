//! R25's **Assign <customer>** `dialog`: one `radio` per agent the rule allows (signed in,
//! not disconnected; members of the item's queue first), each with presence and free
//! capacity; **Assign** and **Cancel**. When the chosen agent lacks the capacity the dialog
//! says so and the button becomes **Assign anyway**. An item no longer Open or Offered (it was
//! accepted meanwhile) closes the dialog with a word why.

use crate::model::supervision::{self, Choice};
use crate::ui::components::dialog::ModalDialog;
use crate::ui::context::{CentreView, Commands, Notices, SupervisorDialogs};
use leptos::prelude::*;
use omnidesk_core::{AgentId, ItemId};

#[component]
pub fn AssignDialog() -> impl IntoView {
    let dialogs = expect_context::<SupervisorDialogs>();
    move || {
        dialogs
            .assign
            .get()
            .map(|item| view! { <AssignBody item=item /> })
    }
}

#[component]
fn AssignBody(item: ItemId) -> impl IntoView {
    let dialogs = expect_context::<SupervisorDialogs>();
    let commands = expect_context::<Commands>();
    let centre = expect_context::<CentreView>();
    let notices = expect_context::<Notices>();
    let customer = centre.peek(|c| {
        c.engine
            .item_row(&item)
            .map(|r| r.customer.name)
            .unwrap_or_default()
    });
    let key = item.clone();
    let choices = Memo::new(move |_| centre.read(|c| supervision::assign_choices(&c.engine, &key)));
    let assignable = {
        let item = item.clone();
        Memo::new(move |_| {
            centre.read(|c| supervision::item_row(&c.engine, &item).is_some_and(|r| r.can_assign))
        })
    };
    let chosen = RwSignal::new(None::<AgentId>);
    let overbooks = move || {
        chosen.with(|a| {
            choices.with(|cs| cs.iter().any(|c| Some(&c.id) == a.as_ref() && c.overbooks))
        })
    };
    let cancel = move || dialogs.assign.set(None);
    let who = customer.clone();
    Effect::new(move |_| {
        if !assignable.get() {
            notices.say(&format!("{who} is no longer waiting to be assigned."));
            dialogs.assign.set(None);
        }
    });
    let assign = move |_| {
        if let Some(agent) = chosen.get_untracked() {
            dialogs.assign.set(None);
            commands.assign(item.clone(), agent);
        }
    };
    view! {
        <ModalDialog role="dialog" labelled_by="assign-title" initial_focus="assign-cancel" on_escape=cancel>
            <h2 id="assign-title" class="dialog-title">{format!("Assign {customer}")}</h2>
            <div role="radiogroup" aria-labelledby="assign-title" class="assign-choices">
                <For each=move || choices.get() key=|c: &Choice| c.clone() let:c>
                    <label class="assign-choice">
                        <input
                            type="radio"
                            name="assign-agent"
                            value=c.id.to_string()
                            prop:checked={let id = c.id.clone(); move || chosen.with(|a| a.as_ref() == Some(&id))}
                            on:change={let id = c.id.clone(); move |_| chosen.set(Some(id.clone()))}
                        />
                        <span class="assign-name">{c.name.clone()}</span>
                        <span class="meta">
                            <span class=format!("dot {}", c.class) aria-hidden="true"></span>
                            {format!(" {} · {} available{}", c.presence, c.available, if c.member { "" } else { " · not in this queue" })}
                        </span>
                    </label>
                </For>
            </div>
            <p class="empty" hidden=move || choices.with(|c| !c.is_empty())>"No agent is signed in."</p>
            <p role="status" class="assign-warning">
                {move || overbooks().then_some("This agent hasn't the capacity for it: assigning takes them over capacity, and nothing new is offered to them until they have room again.")}
            </p>
            <div class="dialog-actions">
                <button type="button" class="btn btn-primary" disabled=move || chosen.with(Option::is_none) on:click=assign>
                    {move || if overbooks() { "Assign anyway" } else { "Assign" }}
                </button>
                <button type="button" id="assign-cancel" class="btn" on:click=move |_| cancel()>"Cancel"</button>
            </div>
        </ModalDialog>
    }
}
