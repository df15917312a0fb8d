//! The Sessions tablist's model (ui-contract.md, "Shell"): Home is always first and never
//! closes; each conversation session is added at the end, named after its customer (with the
//! channel where two open sessions share a name); at most [`MAX_SESSIONS`] including Home.
//! Kept free of the DOM so it is tested natively, and serde so open sessions and the selected
//! one survive a reload.

use omnidesk_core::ItemId;

/// Sessions open at most, Home included.
pub const MAX_SESSIONS: usize = 10;

/// What the status line says when an 11th session is asked for.
pub const MAXIMUM_REACHED: &str = "Maximum sessions reached";

/// The open sessions: index 0 of the tablist is Home, index `i` is `items[i - 1]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sessions {
    pub items: Vec<ItemId>,
    pub selected: usize,
}

/// What asking to open an item's session did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    New,
    AlreadyOpen,
    Full,
}

impl Sessions {
    /// Tabs in the tablist, Home included.
    pub fn len(&self) -> usize {
        self.items.len() + 1
    }

    /// Never: Home is always there.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Opens (or selects) the item's session and selects it.
    pub fn open(&mut self, item: &ItemId) -> Opened {
        if let Some(i) = self.items.iter().position(|x| x == item) {
            self.selected = i + 1;
            return Opened::AlreadyOpen;
        }
        if self.len() >= MAX_SESSIONS {
            return Opened::Full;
        }
        self.items.push(item.clone());
        self.selected = self.items.len();
        Opened::New
    }

    /// Closes the session at tab `index` (Home, index 0, never closes). The selection stays on
    /// the same session, or moves to the previous tab when the closed one was selected.
    pub fn close(&mut self, index: usize) -> bool {
        if index == 0 || index > self.items.len() {
            return false;
        }
        self.items.remove(index - 1);
        if self.selected == index {
            self.selected = index - 1;
        } else if self.selected > index {
            self.selected -= 1;
        }
        true
    }

    /// The item of the selected session (`None`: Home).
    pub fn selected_item(&self) -> Option<&ItemId> {
        self.items.get(self.selected.wrapping_sub(1))
    }

    /// The tab index of `item`'s session, if open.
    pub fn index_of(&self, item: &ItemId) -> Option<usize> {
        self.items.iter().position(|i| i == item).map(|p| p + 1)
    }

    /// Keeps only sessions whose item `exists`, and a valid selection.
    pub fn retain(&mut self, exists: impl Fn(&ItemId) -> bool) {
        let selected = self.items.get(self.selected.wrapping_sub(1)).cloned();
        self.items.retain(|i| exists(i));
        self.items.truncate(MAX_SESSIONS - 1);
        self.selected = selected
            .and_then(|s| self.items.iter().position(|i| *i == s))
            .map_or(0, |p| p + 1);
    }
}

/// The tab names of conversation sessions: the customer's name, with the channel added where
/// two open sessions share a name. `who` gives (customer, channel label) of an item.
pub fn tab_names(items: &[ItemId], who: impl Fn(&ItemId) -> (String, String)) -> Vec<String> {
    let pairs: Vec<(String, String)> = items.iter().map(who).collect();
    pairs
        .iter()
        .map(|(name, channel)| {
            if pairs.iter().filter(|(n, _)| n == name).count() > 1 {
                format!("{name} ({channel})")
            } else {
                name.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ItemId {
        ItemId::from(s)
    }

    #[test]
    fn opening_adds_at_the_end_and_selects_at_most_ten_in_all() {
        let mut s = Sessions::default();
        for k in 0..9 {
            assert_eq!(s.open(&id(&format!("i{k}"))), Opened::New);
            assert_eq!(s.selected, k + 1);
        }
        assert_eq!(s.len(), 10);
        assert_eq!(s.open(&id("more")), Opened::Full);
        assert_eq!(s.open(&id("i2")), Opened::AlreadyOpen);
        assert_eq!(s.selected, 3);
    }

    #[test]
    fn home_never_closes_and_selection_follows() {
        let mut s = Sessions::default();
        s.open(&id("a"));
        s.open(&id("b"));
        s.open(&id("c"));
        assert!(!s.close(0));
        s.selected = 3;
        assert!(s.close(1));
        assert_eq!(s.items, vec![id("b"), id("c")]);
        assert_eq!(s.selected, 2);
        assert!(s.close(2));
        assert_eq!(s.selected, 1);
    }

    #[test]
    fn retain_keeps_the_selection_on_its_session() {
        let mut s = Sessions::default();
        s.open(&id("a"));
        s.open(&id("b"));
        s.open(&id("c"));
        s.selected = 3;
        s.retain(|i| i.as_str() != "a");
        assert_eq!(s.items, vec![id("b"), id("c")]);
        assert_eq!(s.selected, 2);
        s.retain(|i| i.as_str() != "c");
        assert_eq!(s.selected, 0);
    }

    /// The currently selected item, if a conversation session is selected.
    #[test]
    fn selected_item_is_the_conversation_in_view() {
        let mut s = Sessions::default();
        assert_eq!(s.selected_item(), None);
        s.open(&id("a"));
        assert_eq!(s.selected_item(), Some(&id("a")));
        assert_eq!(s.index_of(&id("a")), Some(1));
        assert_eq!(s.index_of(&id("z")), None);
    }

    #[test]
    fn shared_names_get_their_channel() {
        let names = tab_names(&[id("a"), id("b"), id("c")], |i| match i.as_str() {
            "a" => ("Ada".into(), "Chat".into()),
            "b" => ("Ada".into(), "SMS".into()),
            _ => ("Alan".into(), "Chat".into()),
        });
        assert_eq!(names, vec!["Ada (Chat)", "Ada (SMS)", "Alan"]);
    }
}
