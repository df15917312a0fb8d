//! The context handles: narrow `Copy` handles with one job each (thaw's `*Injection` style;
//! todomvc hands a component only the handle it needs). The mode's boot builds a
//! [`Workspace`] — the bundle of all of them — and [`Workspace::provide`]s each one on its own;
//! a component takes the one it needs with `expect_context::<…>()`.
//!
//! | handle | its one job |
//! |---|---|
//! | [`CentreView`] | read the centre (engine state + journal), tracking its changes |
//! | [`CentreCell`] | change the centre and announce the change (the mode's backend only) |
//! | [`Clock`] | now: the browser's time, on the server's clock in server mode |
//! | [`SessionsHandle`] | the open sessions, the selected one and its address, unread counts |
//! | [`Navigator`] | addresses: go to one (push or replace), keeping `?sim`, `?seed`, … |
//! | [`Drafts`] | unsent replies per conversation |
//! | [`Notices`] | short announcements, storage problems, server refusals |
//! | [`Dialogs`] | which modal is open: R10's confirmation, R18's "Why?", the unsent-reply question |
//! | [`OfferAlerts`] | the offer sound and the desktop-notification permission |
//! | [`LinkStatus`] | the connection and the actions not yet answered (server mode) |
//! | [`QuickReplies`] | the centre's canned answers and the agent's own, and where those are kept |
//! | [`Commands`] | the agent's commands, turned into core inputs for the mode's backend |
//! | [`SupervisorDialogs`] | the supervisor page's open dialog: Assign, Monitor, Force close |
//! | [`ModeSlots`] | where the mode's own widgets go in the top bar, status bar, dashboard |

mod alerts;
mod centre;
mod clock;
mod commands;
mod dialogs;
mod drafts;
mod link_status;
mod nav;
mod notices;
mod replies;
mod sessions;
mod slots;
mod supervisor;

pub use crate::model::replies::Change;
pub use alerts::OfferAlerts;
pub use centre::{CentreCell, CentreView};
pub use clock::Clock;
pub use commands::Commands;
pub use dialogs::{Confirm, Dialogs};
pub use drafts::Drafts;
pub use link_status::{Conn, LinkStatus};
pub use nav::{Nav, Navigator};
pub use notices::{Notices, Rejection};
pub use replies::QuickReplies;
pub use sessions::SessionsHandle;
pub use slots::{slot, ModeSlots};
pub use supervisor::SupervisorDialogs;

use crate::centre::Centre;
use crate::model::sessions::Sessions;
use leptos::prelude::*;
use omnidesk_core::Input;
use std::rc::Rc;

/// Every handle of one running workspace.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub centre: CentreView,
    pub cell: CentreCell,
    pub clock: Clock,
    pub sessions: SessionsHandle,
    pub nav: Navigator,
    pub drafts: Drafts,
    pub notices: Notices,
    pub dialogs: Dialogs,
    pub alerts: OfferAlerts,
    pub link: LinkStatus,
    pub replies: QuickReplies,
    pub commands: Commands,
}

impl Workspace {
    /// The handles around a running centre. The mode's backend is attached after
    /// ([`Workspace::attach`]): it is built from these handles.
    pub fn new(centre: Centre, sessions: Sessions, nav: Navigator) -> Workspace {
        let now = centre.engine.now();
        let cell = CentreCell::new(centre);
        let notices = Notices::new();
        let sessions = SessionsHandle::new(sessions, nav, notices);
        let drafts = Drafts::new();
        let dialogs = Dialogs::new();
        Workspace {
            centre: cell.view(),
            cell,
            clock: Clock::new(now),
            sessions,
            nav,
            drafts,
            notices,
            dialogs,
            alerts: OfferAlerts::new(),
            link: LinkStatus::new(),
            replies: QuickReplies::new(),
            commands: Commands::new(cell.view(), sessions, drafts, dialogs, notices),
        }
    }

    /// Gives the commands their way out: the mode's backend.
    pub fn attach(&self, send: impl Fn(Input) + 'static) {
        self.commands.attach(Rc::new(send));
    }

    /// Provides every handle as its own context.
    pub fn provide(&self) {
        provide_context(self.centre);
        provide_context(self.clock);
        provide_context(self.sessions);
        provide_context(self.nav);
        provide_context(self.drafts);
        provide_context(self.notices);
        provide_context(self.dialogs);
        provide_context(self.alerts);
        provide_context(self.link);
        provide_context(self.replies);
        provide_context(self.commands);
    }
}
