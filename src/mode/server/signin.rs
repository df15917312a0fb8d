//! `/signin`: the form ([`crate::ui::pages::signin::SignInForm`]) and the request. After
//! signing in, the page the agent asked for first (`?next=`) opens.

use super::place::{server_base, take_signin_message};
use crate::link::api::{self, ApiError};
use crate::link::SavedSession;
use crate::model::address;
use crate::storage::local;
use crate::ui::context::{Nav, Navigator};
use crate::ui::pages::signin::SignInForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use omnidesk_wire::http::SignIn;

#[component]
pub fn SignInRoute() -> impl IntoView {
    let nav = Navigator::here();
    let next = use_query_map().with_untracked(|q| q.get("next"));
    let message = RwSignal::new(take_signin_message());
    let busy = RwSignal::new(false);
    let base = server_base();
    let on_submit = move |agent: String, password: String| {
        busy.set(true);
        let base = base.clone();
        let next = next.clone();
        leptos::task::spawn_local(async move {
            let body = SignIn {
                agent: agent.as_str().into(),
                password,
            };
            let answer = api::sign_in(&base, &body).await;
            busy.try_set(false);
            match answer {
                Ok(signed) => {
                    local::write(
                        SavedSession::KEY,
                        &SavedSession {
                            base,
                            agent: signed.agent.to_string(),
                            token: signed.token,
                        },
                    );
                    nav.go(&address::after_signin(next.as_deref()), Nav::Replace);
                }
                Err(ApiError::Status(401, _)) => {
                    message.set("Wrong agent ID or password. Check both and try again.".into())
                }
                Err(ApiError::Status(429, body)) => message.set(format!(
                    "Too many attempts — {}.",
                    crate::link::retry_text(body.and_then(|b| b.retry_after))
                )),
                Err(e @ ApiError::Status(..)) => {
                    message.set(format!("The server couldn't sign you in: {}.", e.reason()))
                }
                Err(ApiError::Network(e)) => message.set(format!(
                    "Can't reach the server at {base} ({e}). Check your connection and try again."
                )),
            }
        });
    };
    let on_submit = StoredValue::new_local(on_submit);
    view! {
        <SignInForm
            message=message
            busy=busy.into()
            on_submit=move |a, p| on_submit.with_value(|f| f(a, p))
        />
    }
}
