//! The keyboard model of a WAI-ARIA tablist (Authoring Practices, "Tabs with automatic
//! activation"): arrow keys move to the previous or next tab and wrap around, Home and End
//! jump to the first and last. Kept free of the DOM so it is tested natively.
//! The menu buttons (presence, transfer) move through their items with the same vertical model.

/// The direction a tablist is laid out in; it decides which arrow keys move along it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

/// The index of the tab a key moves to from `current` in a list of `len` tabs, or `None` when
/// the key is not one the tablist handles (so the browser keeps its default behaviour).
pub fn target_index(
    key: &str,
    current: usize,
    len: usize,
    orientation: Orientation,
) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let (prev, next) = match orientation {
        Orientation::Horizontal => ("ArrowLeft", "ArrowRight"),
        Orientation::Vertical => ("ArrowUp", "ArrowDown"),
    };
    match key {
        k if k == prev => Some((current + len - 1) % len),
        k if k == next => Some((current + 1) % len),
        "Home" => Some(0),
        "End" => Some(len - 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_wrap_around() {
        assert_eq!(
            target_index("ArrowDown", 2, 3, Orientation::Vertical),
            Some(0)
        );
        assert_eq!(
            target_index("ArrowUp", 0, 3, Orientation::Vertical),
            Some(2)
        );
        assert_eq!(
            target_index("ArrowRight", 0, 3, Orientation::Horizontal),
            Some(1)
        );
        assert_eq!(
            target_index("ArrowLeft", 0, 3, Orientation::Horizontal),
            Some(2)
        );
    }

    #[test]
    fn cross_axis_arrows_are_left_to_the_browser() {
        assert_eq!(target_index("ArrowLeft", 1, 3, Orientation::Vertical), None);
        assert_eq!(
            target_index("ArrowDown", 1, 3, Orientation::Horizontal),
            None
        );
        assert_eq!(target_index("a", 1, 3, Orientation::Horizontal), None);
    }

    #[test]
    fn home_and_end_jump_to_the_ends() {
        assert_eq!(target_index("Home", 2, 4, Orientation::Vertical), Some(0));
        assert_eq!(target_index("End", 0, 4, Orientation::Vertical), Some(3));
    }

    #[test]
    fn a_single_tab_stays_put_and_an_empty_list_does_nothing() {
        assert_eq!(
            target_index("ArrowDown", 0, 1, Orientation::Vertical),
            Some(0)
        );
        assert_eq!(target_index("Home", 0, 0, Orientation::Vertical), None);
    }
}
