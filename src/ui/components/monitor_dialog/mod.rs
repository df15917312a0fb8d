//! **Monitor**: the read-only conversation of an ongoing item in a `dialog` named
//! "Conversation with <customer>" — its live `log` (the session's own [`MessageLog`]), no
//! composer — and **Done**.

use crate::model::projection;
use crate::ui::components::conversation::log::MessageLog;
use crate::ui::components::dialog::ModalDialog;
use crate::ui::context::{CentreView, SupervisorDialogs};
use leptos::prelude::*;

#[component]
pub fn MonitorDialog() -> impl IntoView {
    let dialogs = expect_context::<SupervisorDialogs>();
    let centre = expect_context::<CentreView>();
    let done = move || dialogs.monitor.set(None);
    move || {
        dialogs.monitor.get().map(|item| {
            let key = item.clone();
            let info = Memo::new(move |_| {
                centre.read(|c| projection::conversation(&c.engine, &c.journal, &c.me, &key))
            });
            let customer = move || info.with(|i| i.as_ref().map(|i| i.customer.name.clone()));
            let status = move || info.with(|i| i.as_ref().map_or("", |i| i.status));
            view! {
                <ModalDialog
                    role="dialog"
                    labelled_by="monitor-title"
                    described_by="monitor-state"
                    initial_focus="monitor-done"
                    wide=true
                    on_escape=done
                >
                    <h2 id="monitor-title" class="dialog-title">
                        "Conversation with " {move || customer().unwrap_or_default()}
                    </h2>
                    <p id="monitor-state" class="panel-lead">
                        {move || format!("{} · read only: the agent writes, you follow.", status())}
                    </p>
                    <MessageLog item=item info=info />
                    <div class="dialog-actions">
                        <button type="button" id="monitor-done" class="btn btn-primary" on:click=move |_| done()>
                            "Done"
                        </button>
                    </div>
                </ModalDialog>
            }
        })
    }
}
