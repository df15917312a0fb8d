//! Close conversation with an unsent reply: discard it and close, or keep writing (focus goes
//! back to the Message box).

use super::dialog::ModalDialog;
use super::focus::focus_id;
use crate::ui::context::{Commands, Dialogs};
use leptos::prelude::*;

#[component]
pub fn DiscardDialog() -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let commands = expect_context::<Commands>();
    let keep = move || {
        if let Some(item) = dialogs.discard.get_untracked() {
            dialogs.discard.set(None);
            focus_id(format!("message-{item}"));
        }
    };
    move || {
        dialogs.discard.get().map(|item| {
            view! {
                <ModalDialog
                    role="alertdialog"
                    labelled_by="discard-title"
                    described_by="discard-text"
                    initial_focus="discard-keep"
                    on_escape=keep
                >
                    <h2 id="discard-title" class="dialog-title">"Discard your unsent reply?"</h2>
                    <p id="discard-text">
                        "You have written a reply that hasn't been sent. Closing the conversation discards it."
                    </p>
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="btn btn-primary"
                            on:click=move |_| {
                                dialogs.discard.set(None);
                                commands.close_conversation(item.clone());
                            }
                        >
                            "Discard and close"
                        </button>
                        <button type="button" id="discard-keep" class="btn" on:click=move |_| keep()>
                            "Keep writing"
                        </button>
                    </div>
                </ModalDialog>
            }
        })
    }
}
