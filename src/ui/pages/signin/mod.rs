//! Server mode's sign-in form (`/signin`): Agent ID, Password, Sign in, and a message saying
//! why the agent is here (their session ended, a wrong password, the server unreachable).
//! The request itself is the mode's ([`crate::mode`]); after signing in, the page the agent
//! asked for first opens.

use crate::ui::components::top_bar::TopBar;
use leptos::prelude::*;

#[component]
pub fn SignInForm(
    /// Why the agent is here, or an error; empty for none.
    message: RwSignal<String>,
    busy: Signal<bool>,
    on_submit: impl Fn(String, String) + Copy + 'static,
) -> impl IntoView {
    let agent = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let id = agent.get_untracked().trim().to_owned();
        let pw = password.get_untracked();
        if id.is_empty() || pw.is_empty() {
            message.set("Enter your agent ID and your password.".into());
            return;
        }
        message.set(String::new());
        password.set(String::new());
        on_submit(id, pw);
    };
    view! {
        <div class="shell">
            <TopBar />
            <main class="signin">
                <form class="signin-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <h1 class="panel-title">"Sign in to omnidesk"</h1>
                    <p class="panel-lead">"Your contact centre's workspace. Sign in with your agent ID."</p>
                    <div role="alert" class="message-bar message-error" hidden=move || message.with(|e| e.is_empty())>
                        <span class="message-icon" aria-hidden="true">"⚠"</span>
                        <span class="message-text">{move || message.get()}</span>
                    </div>
                    <label for="signin-agent">"Agent ID"</label>
                    <input id="signin-agent" type="text" autocomplete="username" autocapitalize="none"
                        spellcheck="false" prop:value=move || agent.get()
                        on:input=move |ev| agent.set(event_target_value(&ev)) />
                    <label for="signin-password">"Password"</label>
                    <input id="signin-password" type="password" autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <button type="submit" class="btn btn-primary" aria-disabled=move || busy.get().to_string()>
                        {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </main>
        </div>
    }
}
