//! R26's question before a force close: an `alertdialog` **Close this conversation?** with
//! **Close** and **Cancel** (focus starts on Cancel: closing is not undone by a click).

use crate::ui::components::dialog::ModalDialog;
use crate::ui::context::{CentreView, Commands, SupervisorDialogs};
use leptos::prelude::*;

#[component]
pub fn ForceCloseDialog() -> impl IntoView {
    let dialogs = expect_context::<SupervisorDialogs>();
    let commands = expect_context::<Commands>();
    let centre = expect_context::<CentreView>();
    let cancel = move || dialogs.force_close.set(None);
    move || {
        dialogs.force_close.get().map(|item| {
            let text = centre.peek(|c| {
                let config = c.engine.config();
                c.engine.item_row(&item).map_or_else(String::new, |r| {
                    let holder = r.holder.as_ref().map_or_else(
                        || "No agent holds it.".to_owned(),
                        |a| format!("{} is told.", crate::centre::demo::agent_name(config, a)),
                    );
                    format!(
                        "The conversation with {} ends now, whatever its state, and its capacity is released. {holder}",
                        r.customer.name
                    )
                })
            });
            view! {
                <ModalDialog
                    role="alertdialog"
                    labelled_by="force-close-title"
                    described_by="force-close-text"
                    initial_focus="force-close-cancel"
                    on_escape=cancel
                >
                    <h2 id="force-close-title" class="dialog-title">"Close this conversation?"</h2>
                    <p id="force-close-text">{text}</p>
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="btn btn-primary"
                            on:click=move |_| {
                                dialogs.force_close.set(None);
                                commands.force_close(item.clone());
                            }
                        >
                            "Close"
                        </button>
                        <button type="button" id="force-close-cancel" class="btn" on:click=move |_| cancel()>
                            "Cancel"
                        </button>
                    </div>
                </ModalDialog>
            }
        })
    }
}
