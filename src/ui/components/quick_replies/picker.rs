//! [`Picker`]: the quick-replies list's state for one Message box, driven from the box's
//! text and keys (focus never leaves the box).

use crate::model::replies::{matching, slash_query, Owner, QuickReply};
use crate::ui::context::QuickReplies;
use leptos::prelude::*;

/// The list's state for one Message box.
#[derive(Clone, Copy)]
pub struct Picker {
    pub open: RwSignal<bool>,
    /// Opened by a typed `/` (the reply replaces the `/words`), not by the button (at the caret).
    pub from_slash: RwSignal<bool>,
    /// Escape shut the list for this `/words`: typing on doesn't reopen it.
    dismissed: RwSignal<bool>,
    query: RwSignal<String>,
    pub active: RwSignal<usize>,
    pub matches: Memo<Vec<(Owner, QuickReply)>>,
    list_id: StoredValue<String>,
}

/// What a key in the Message box does while the list is open.
pub enum Key {
    /// The list used it (arrows, Escape, an Enter with no match).
    Handled,
    /// Enter on the active reply.
    Insert(QuickReply),
    /// Not the list's: the box's usual handling.
    Pass,
}

impl Picker {
    pub fn new(list_id: String) -> Picker {
        let replies = expect_context::<QuickReplies>();
        let query = RwSignal::new(String::new());
        let matches = Memo::new(move |_| {
            let all = replies.all();
            query.with(|q| matching(&all, q).into_iter().cloned().collect())
        });
        Picker {
            open: RwSignal::new(false),
            from_slash: RwSignal::new(false),
            dismissed: RwSignal::new(false),
            query,
            active: RwSignal::new(0),
            matches,
            list_id: StoredValue::new(list_id),
        }
    }

    pub fn list_id(&self) -> String {
        self.list_id.get_value()
    }

    pub(super) fn option_id(&self, k: usize) -> String {
        format!("{}-{k}", self.list_id.get_value())
    }

    /// The DOM id of the active option while the list is open with a match (tracked).
    pub fn active_id(&self) -> Option<String> {
        let any = self.matches.with(|m| !m.is_empty());
        (self.open.get() && any).then(|| self.option_id(self.active.get()))
    }

    /// The Message box's text changed: `/words` at its start open and narrow the list.
    pub fn typed(&self, draft: &str) {
        match slash_query(draft) {
            Some(q) if !self.dismissed.get_untracked() => {
                self.from_slash.set(true);
                if self.query.get_untracked() != q {
                    self.query.set(q.to_owned());
                }
                self.active.set(0);
                self.open.set(true);
            }
            Some(_) => {}
            None => {
                self.dismissed.set(false);
                if self.from_slash.get_untracked() {
                    self.open.set(false);
                }
            }
        }
    }

    /// The **Quick replies** button: every reply, inserted at the caret.
    pub fn open_at_caret(&self) {
        self.from_slash.set(false);
        self.query.set(String::new());
        self.active.set(0);
        self.open.set(true);
    }

    pub fn close(&self) {
        self.open.set(false);
    }

    /// A key pressed in the Message box.
    pub fn key(&self, key: &str) -> Key {
        if !self.open.get_untracked() {
            return Key::Pass;
        }
        let n = self.matches.with_untracked(Vec::len);
        let k = self.active.get_untracked();
        match key {
            "ArrowDown" if n > 0 => self.activate((k + 1) % n),
            "ArrowUp" if n > 0 => self.activate((k + n - 1) % n),
            "Enter" => {
                return self
                    .matches
                    .with_untracked(|m| m.get(k).map(|(_, r)| Key::Insert(r.clone())))
                    .unwrap_or(Key::Handled)
            }
            "Escape" => {
                self.dismissed.set(self.from_slash.get_untracked());
                self.close();
            }
            "Tab" => {
                self.close();
                return Key::Pass;
            }
            _ => return Key::Pass,
        }
        Key::Handled
    }

    fn activate(&self, k: usize) {
        self.active.set(k);
        let id = self.option_id(k);
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&id) {
                el.scroll_into_view_with_bool(false);
            }
        });
    }
}
