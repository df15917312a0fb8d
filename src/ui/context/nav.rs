//! [`Navigator`]: moves between addresses through leptos_router, keeping the parameters that
//! stay on every navigation (everything but `?reset`, [`crate::model::address::kept_query`]).

use crate::model::address;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use std::rc::Rc;

/// A history entry added, or the current one replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Push,
    Replace,
}

type Go = Rc<dyn Fn(&str, NavigateOptions)>;

#[derive(Clone, Copy)]
pub struct Navigator {
    go: StoredValue<Go, LocalStorage>,
    query: Memo<ParamsMap>,
}

impl Navigator {
    /// The navigator of the enclosing `<Router>`.
    pub fn here() -> Navigator {
        let navigate = use_navigate();
        Navigator {
            go: StoredValue::new_local(Rc::new(navigate) as Go),
            query: use_query_map(),
        }
    }

    /// The kept query (`""` or `"?sim=off&seed=3"`), tracked.
    pub fn query(&self) -> String {
        self.query
            .with(|q| address::kept_query(q.into_iter().map(|(k, v)| (k.as_ref(), v))))
    }

    /// An app path (`/chat`) as a link's `href`: the router's base before it (a build for
    /// `/omnidesk/` links to `/omnidesk/chat`), the kept query after it.
    pub fn href(&self, path: &str) -> String {
        let base = crate::browser::public_base();
        address::href(&format!("{base}{path}"), &self.query())
    }

    /// Replaces the address with `pathname` (as the location has it, base included) and the
    /// kept query: how `?reset` leaves the address once applied.
    pub fn reload_address(&self, pathname: &str) {
        let Some(query) = self.query.try_with_untracked(|q| {
            address::kept_query(q.into_iter().map(|(k, v)| (k.as_ref(), v)))
        }) else {
            return;
        };
        let options = NavigateOptions {
            resolve: false,
            replace: true,
            scroll: false,
            ..Default::default()
        };
        if let Some(go) = self.go.try_get_value() {
            go(&format!("{pathname}{query}"), options);
        }
    }

    /// Goes to an app path (resolved against the router's base), keeping the query.
    pub fn go(&self, path: &str, how: Nav) {
        let Some(query) = self.query.try_with_untracked(|q| {
            address::kept_query(q.into_iter().map(|(k, v)| (k.as_ref(), v)))
        }) else {
            return;
        };
        let to = address::href(path, &query);
        let options = NavigateOptions {
            replace: how == Nav::Replace,
            scroll: false,
            ..Default::default()
        };
        if let Some(go) = self.go.try_get_value() {
            go(&to, options);
        }
    }
}
