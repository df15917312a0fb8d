//! The app's addresses (ui-contract.md, "Addresses"). `/` is Home, `/session/<item>` a
//! conversation's session, `/chat`, `/supervisor`, `/signin`; the router (leptos_router) maps
//! them to pages. What is decided here, plainly and tested natively:
//! - the path of a session ([`session_path`]) and the item a path names ([`item_of_param`]);
//! - the query that stays on every navigation ([`kept_query`]: everything but `?reset`, which
//!   is applied once);
//! - whether the agent may see the item an address names ([`may_see`]), and if not, why in
//!   words.

use omnidesk_core::{AgentId, ItemId, State};

/// The three bundles the app is built as (index.html's loader picks one by address, so a
/// page downloads only its own code): the agent's desk, the supervisor page, the customer's
/// `/chat`. Each has the same [`Bundle::of`] rule as the loader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// `/`, `/session/:item`, `/signin`, and every address of no other bundle (its not-found
    /// page).
    Desk,
    /// `/supervisor` and below.
    Supervisor,
    /// `/chat` and below.
    Chat,
}

impl Bundle {
    /// The bundle that serves `app_path` (the path after the router's base, `/chat`): decided
    /// by its first segment, as index.html's loader decides.
    pub fn of(app_path: &str) -> Bundle {
        match app_path.trim_start_matches('/').split('/').next() {
            Some("supervisor") => Bundle::Supervisor,
            Some("chat") => Bundle::Chat,
            _ => Bundle::Desk,
        }
    }
}

/// The path of the session of `item`; Home for `None`.
pub fn session_path(item: Option<&ItemId>) -> String {
    match item {
        None => "/".to_owned(),
        Some(item) => format!("/session/{}", encode(item.as_str())),
    }
}

/// The item a `/session/:item` parameter names (percent-decoded).
pub fn item_of_param(param: &str) -> Option<ItemId> {
    let id = decode(param);
    (!id.is_empty()).then(|| ItemId::from(id))
}

/// The query string that follows the app from address to address: every parameter but
/// `reset` (applied once at start-up, then dropped) and `next` (where sign-in goes after),
/// in the order given. `""` or `"?a=b&c"`.
pub fn kept_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let kept: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "reset" | "next" | ""))
        .map(|(k, v)| {
            if v.is_empty() {
                encode(k)
            } else {
                format!("{}={}", encode(k), encode(v))
            }
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// A path (maybe with its own query) with the kept query.
pub fn href(path: &str, query: &str) -> String {
    match (path.contains('?'), query.strip_prefix('?')) {
        (true, Some(rest)) => format!("{path}&{rest}"),
        _ => format!("{path}{query}"),
    }
}

/// The sign-in address that comes back to `next` (an app path) afterwards.
pub fn signin_path(next: &str) -> String {
    if next.is_empty() || next == "/" {
        "/signin".to_owned()
    } else {
        format!("/signin?next={}", encode(next))
    }
}

/// Where sign-in goes afterwards: `next` if it is an app path (never another site).
pub fn after_signin(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/signin") => {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Why an address's item can't be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No such item in the centre.
    Unknown(ItemId),
    /// It exists, but in a queue the agent isn't a member of, and never was theirs.
    NotYours(String),
}

impl Refused {
    /// The message Home shows.
    pub fn message(&self) -> String {
        match self {
            Refused::Unknown(item) => format!(
                "There is no conversation “{item}” in this contact centre, so Home is shown instead."
            ),
            Refused::NotYours(queue) => format!(
                "That conversation is in the queue {queue}, which you are not a member of, so Home is shown instead."
            ),
        }
    }
}

/// Whether `me` may see `item`: it exists, and it is theirs now, was theirs last, or sits in
/// one of their queues.
pub fn may_see(state: &State, me: &AgentId, item: &ItemId) -> Result<(), Refused> {
    let Some(it) = state.items.get(item) else {
        return Err(Refused::Unknown(item.clone()));
    };
    let holds = it.status.holder() == Some(me) || it.last_holder.as_ref() == Some(me);
    let member = state
        .config
        .queues
        .get(&it.queue)
        .is_some_and(|q| q.members.contains(me));
    if holds || member {
        Ok(())
    } else {
        let queue = state
            .config
            .queues
            .get(&it.queue)
            .map_or_else(|| it.queue.to_string(), |q| q.name.clone());
        Err(Refused::NotYours(queue))
    }
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok();
        match (bytes[i], hex().and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centre::Centre;
    use omnidesk_core::Input;

    #[test]
    fn each_address_has_one_bundle_by_its_first_segment() {
        for (path, bundle) in [
            ("/", Bundle::Desk),
            ("", Bundle::Desk),
            ("/session/w1", Bundle::Desk),
            ("/signin", Bundle::Desk),
            ("/no/such/page", Bundle::Desk),
            ("/supervisors", Bundle::Desk),
            ("/supervisor", Bundle::Supervisor),
            ("/supervisor/", Bundle::Supervisor),
            ("/supervisor/x", Bundle::Supervisor),
            ("/chat", Bundle::Chat),
            ("/chat/x", Bundle::Chat),
            ("/chatter", Bundle::Desk),
        ] {
            assert_eq!(Bundle::of(path), bundle, "{path}");
        }
    }

    #[test]
    fn sessions_have_paths_and_paths_name_items() {
        assert_eq!(session_path(None), "/");
        let item = ItemId::from("live-12 a/b");
        let path = session_path(Some(&item));
        assert_eq!(path, "/session/live-12%20a%2Fb");
        assert_eq!(item_of_param(&path["/session/".len()..]), Some(item));
        assert_eq!(item_of_param(""), None);
        assert_eq!(item_of_param("w1%"), Some(ItemId::from("w1%")));
    }

    #[test]
    fn reset_is_dropped_and_the_rest_stays_in_order() {
        assert_eq!(
            kept_query([("sim", "off"), ("reset", ""), ("seed", "3"), ("demo", "10")]),
            "?sim=off&seed=3&demo=10"
        );
        assert_eq!(kept_query([("reset", "")]), "");
        assert_eq!(
            kept_query([("server", "http://h:9/")]),
            "?server=http%3A%2F%2Fh%3A9%2F"
        );
        assert_eq!(href("/chat", "?sim=off"), "/chat?sim=off");
        assert_eq!(
            href("/signin?next=%2Fx", "?sim=off"),
            "/signin?next=%2Fx&sim=off"
        );
        assert_eq!(kept_query([("next", "/x"), ("seed", "1")]), "?seed=1");
    }

    #[test]
    fn sign_in_comes_back_to_the_address_asked_for_and_nowhere_else() {
        let path = signin_path("/session/w1");
        assert_eq!(path, "/signin?next=%2Fsession%2Fw1");
        assert_eq!(signin_path("/"), "/signin");
        assert_eq!(after_signin(Some("/session/w1")), "/session/w1");
        assert_eq!(after_signin(Some("https://evil.example/")), "/");
        assert_eq!(after_signin(Some("//evil.example/")), "/");
        assert_eq!(after_signin(Some("/signin")), "/");
        assert_eq!(after_signin(None), "/");
    }

    #[test]
    fn the_agent_sees_items_of_their_queues_and_their_own_only() {
        let (mut c, _) = Centre::fresh(1, false, 1_000);
        c.simulate("chat", 2_000);
        let state = c.engine.state();
        let item = state.items.keys().next().unwrap().clone();
        assert_eq!(may_see(state, &c.me, &item), Ok(()));
        let nobody = ItemId::from("nope");
        assert_eq!(
            may_see(state, &c.me, &nobody),
            Err(Refused::Unknown(nobody.clone()))
        );
        // Dara is not a member of Priority customers (vip).
        let dara = AgentId::from("dara");
        c.submit(
            Input::SetPresence {
                agent: c.me.clone(),
                status: omnidesk_core::Presence::Away,
            },
            3_000,
        );
        let vip = ItemId::from("v1");
        c.submit(
            Input::Arrive {
                item: vip.clone(),
                channel: "email".into(),
                queue: "vip".into(),
                customer: Default::default(),
                skills: Default::default(),
                priority: 0,
                text: None,
            },
            4_000,
        );
        let refused = may_see(c.engine.state(), &dara, &vip).unwrap_err();
        assert_eq!(refused, Refused::NotYours("Priority customers".into()));
        assert!(refused.message().contains("Priority customers"));
        assert_eq!(may_see(c.engine.state(), &c.me, &vip), Ok(()));
    }
}
