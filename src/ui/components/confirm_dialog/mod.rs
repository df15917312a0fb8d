//! R10: "this would take you over capacity" before a hand-chosen pick or reopen.

use super::dialog::ModalDialog;
use crate::ui::context::{Commands, Dialogs};
use leptos::prelude::*;

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let commands = expect_context::<Commands>();
    let cancel = move || dialogs.confirm.set(None);
    move || {
        dialogs.confirm.get().map(|c| {
            let verb = if c.reopen { "Reopen" } else { "Pick" };
            let doing = if c.reopen { "Reopening" } else { "Picking" };
            view! {
                <ModalDialog
                    role="alertdialog"
                    labelled_by="confirm-title"
                    described_by="confirm-text"
                    initial_focus="confirm-cancel"
                    on_escape=cancel
                >
                    <h2 id="confirm-title" class="dialog-title">"Go over capacity?"</h2>
                    <p id="confirm-text">
                        {format!(
                            "{doing} {} uses {} units. You would have {} of {} available, and new conversations would wait until you have room again.",
                            c.customer, c.cost, c.after, c.capacity
                        )}
                    </p>
                    <div class="dialog-actions">
                        <button type="button" class="btn btn-primary" on:click=move |_| commands.confirm_yes()>
                            {format!("{verb} anyway")}
                        </button>
                        <button type="button" id="confirm-cancel" class="btn" on:click=move |_| cancel()>
                            "Cancel"
                        </button>
                    </div>
                </ModalDialog>
            }
        })
    }
}
