//! **My quick replies**: the agent's own replies — listed with **Edit** and **Delete**, and a
//! form to add one or change it. Kept where the mode keeps them ([`QuickReplies`]).

use crate::model::replies::{fresh_id, QuickReply};
use crate::ui::components::dialog::ModalDialog;
use crate::ui::components::focus::focus_id;
use crate::ui::context::{Change, Dialogs, QuickReplies};
use leptos::prelude::*;

/// The dialog, while it is asked for.
#[component]
pub fn MyRepliesDialog() -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    move || {
        dialogs
            .replies
            .get()
            .then(|| view! { <MyReplies /> }.into_any())
    }
}

#[component]
fn MyReplies() -> impl IntoView {
    let replies = expect_context::<QuickReplies>();
    let dialogs = expect_context::<Dialogs>();
    let editing = RwSignal::new(None::<String>);
    let (title, text, tags) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let problem = RwSignal::new(None::<&'static str>);
    let clear = move || {
        editing.set(None);
        title.set(String::new());
        text.set(String::new());
        tags.set(String::new());
        problem.set(None);
    };
    let save = move || {
        let (t, x) = (title.get_untracked(), text.get_untracked());
        if t.trim().is_empty() || x.trim().is_empty() {
            problem.set(Some("A reply needs a title and a text."));
            focus_id(if t.trim().is_empty() {
                "my-reply-title"
            } else {
                "my-reply-text"
            });
            return;
        }
        let mine = replies.personal.get_untracked();
        let was = editing.get_untracked();
        let reply = QuickReply {
            id: was.clone().unwrap_or_else(|| fresh_id(&mine)),
            title: t.trim().to_owned(),
            text: x.trim_end().to_owned(),
            tags: tags
                .get_untracked()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        };
        replies.change(if was.is_some() {
            Change::Edited(reply)
        } else {
            Change::Added(reply)
        });
        clear();
        focus_id("my-reply-title");
    };
    let edit = move |r: QuickReply| {
        editing.set(Some(r.id));
        title.set(r.title);
        text.set(r.text);
        tags.set(r.tags.join(" "));
        problem.set(None);
        focus_id("my-reply-title");
    };
    let delete = move |id: String| {
        replies.change(Change::Deleted(id.clone()));
        if editing.get_untracked().as_deref() == Some(id.as_str()) {
            clear();
        }
        focus_id("my-reply-title");
    };
    let close = move || dialogs.replies.set(false);
    let list = move || {
        replies
            .personal
            .get()
            .into_iter()
            .map(|r| {
                let (er, id) = (r.clone(), r.id.clone());
                view! {
                    <li class="my-reply">
                        <span class="qr-title">{r.title.clone()}</span>
                        <span class="qr-text">{r.text.clone()}</span>
                        <span class="my-reply-actions">
                            <button type="button" class="btn btn-subtle" aria-label=format!("Edit {}", r.title) on:click=move |_| edit(er.clone())>"Edit"</button>
                            <button type="button" class="btn btn-subtle" aria-label=format!("Delete {}", r.title) on:click=move |_| delete(id.clone())>"Delete"</button>
                        </span>
                    </li>
                }
            })
            .collect_view()
    };
    let none = move || replies.personal.with(Vec::is_empty);
    view! {
        <ModalDialog role="dialog" labelled_by="my-replies-title" initial_focus="my-reply-title" wide=true on_escape=close>
            <h2 id="my-replies-title" class="dialog-title">"My quick replies"</h2>
            <p hidden=move || !none()>"You have no quick replies of your own yet. The centre's replies are always there."</p>
            <ul class="my-replies" hidden=none>{list}</ul>
            <form class="my-reply-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <h3 class="my-reply-heading">{move || if editing.with(Option::is_some) { "Edit reply" } else { "New reply" }}</h3>
                <label for="my-reply-title">"Title"</label>
                <input id="my-reply-title" type="text" class="input" prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
                <label for="my-reply-text">"Text"</label>
                <textarea id="my-reply-text" class="input" rows="3" aria-describedby="my-reply-hint" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <p id="my-reply-hint" class="hint">"{customer} and {agent} are filled in with the names when you insert it."</p>
                <label for="my-reply-tags">"Tags (optional, separated by spaces)"</label>
                <input id="my-reply-tags" type="text" class="input" prop:value=tags on:input=move |ev| tags.set(event_target_value(&ev)) />
                <p role="alert" class="form-problem">{move || problem.get()}</p>
                <div class="dialog-actions">
                    <button type="submit" class="btn btn-primary">{move || if editing.with(Option::is_some) { "Save changes" } else { "Add reply" }}</button>
                    <button type="button" class="btn" hidden=move || editing.with(Option::is_none) on:click=move |_| clear()>"Cancel edit"</button>
                    <button type="button" class="btn" on:click=move |_| close()>"Done"</button>
                </div>
            </form>
        </ModalDialog>
    }
    .into_any()
}
