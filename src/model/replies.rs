//! Quick replies (ui-contract.md, "Quick replies"): the centre's canned answers and the
//! agent's own, what `/words` at the start of the Message box asks for, which replies match,
//! `{customer}` and `{agent}` filled in, and where the reply goes in the draft.

/// One canned answer, `{id, title, text, tags?}`: the wire's type (the centre's configuration
/// and the agent's personal replies have the same shape).
pub use omnidesk_wire::http::QuickReply;

/// One change to the agent's own replies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new reply (with an id of the page's; the server gives its own).
    Added(QuickReply),
    Edited(QuickReply),
    Deleted(String),
}

/// Whose a reply is: the centre's (read-only here) or the agent's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Centre,
    Personal,
}

/// The words after a `/` typed as the draft's first character (up to the end of its first
/// line), or `None` when the draft doesn't start with `/`.
pub fn slash_query(draft: &str) -> Option<&str> {
    let rest = draft.strip_prefix('/')?;
    Some(rest.split('\n').next().unwrap_or(""))
}

/// The replies whose title, tags or text contain every word of `query` (case-insensitive),
/// in the given order; all of them for an empty query.
pub fn matching<'a>(
    replies: &'a [(Owner, QuickReply)],
    query: &str,
) -> Vec<&'a (Owner, QuickReply)> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    replies
        .iter()
        .filter(|(_, r)| {
            let hay = format!("{} {} {}", r.title, r.tags.join(" "), r.text).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// The reply's text with `{customer}` and `{agent}` filled in.
pub fn fill(text: &str, customer: &str, agent: &str) -> String {
    text.replace("{customer}", customer)
        .replace("{agent}", agent)
}

/// The draft after inserting `reply`: in place of the typed `/words` when the list was opened
/// by `/`, else at `caret` (a char index, clamped). Returns the new draft and the caret (a
/// char index) just after the inserted text.
pub fn insert(draft: &str, reply: &str, from_slash: bool, caret: usize) -> (String, usize) {
    if from_slash {
        if let Some(q) = slash_query(draft) {
            let rest = &draft[1 + q.len()..];
            return (format!("{reply}{rest}"), reply.chars().count());
        }
    }
    let caret = caret.min(draft.chars().count());
    let at = draft
        .char_indices()
        .nth(caret)
        .map_or(draft.len(), |(i, _)| i);
    let (before, after) = draft.split_at(at);
    (
        format!("{before}{reply}{after}"),
        caret + reply.chars().count(),
    )
}

/// "3 quick replies", "1 quick reply", "No quick replies match" — what screen readers hear.
pub fn count_text(n: usize) -> String {
    match n {
        0 => "No quick replies match".to_owned(),
        1 => "1 quick reply".to_owned(),
        n => format!("{n} quick replies"),
    }
}

/// The agent's replies with `reply` added (a fresh id) or, when its id is there, replaced.
pub fn upsert(mine: &[QuickReply], reply: QuickReply) -> Vec<QuickReply> {
    let mut out = mine.to_vec();
    match out.iter_mut().find(|r| r.id == reply.id) {
        Some(r) => *r = reply,
        None => out.push(reply),
    }
    out
}

/// A new id for a personal reply, distinct from those in `mine`.
pub fn fresh_id(mine: &[QuickReply]) -> String {
    (1..)
        .map(|n| format!("my-{n}"))
        .find(|id| mine.iter().all(|r| &r.id != id))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, title: &str, text: &str, tags: &[&str]) -> (Owner, QuickReply) {
        (
            Owner::Centre,
            QuickReply {
                id: id.into(),
                title: title.into(),
                text: text.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            },
        )
    }

    #[test]
    fn only_a_leading_slash_asks_for_replies() {
        assert_eq!(slash_query("/greet"), Some("greet"));
        assert_eq!(slash_query("/"), Some(""));
        assert_eq!(slash_query("/ref acc\nmore"), Some("ref acc"));
        assert_eq!(slash_query("a /greet"), None);
        assert_eq!(slash_query(""), None);
    }

    #[test]
    fn every_word_must_match_title_tags_or_text() {
        let list = vec![
            r("hi", "Greeting", "Hi {customer}, I'm {agent}.", &["hello"]),
            r(
                "refund",
                "Refund on its way",
                "Your refund is processed.",
                &["billing"],
            ),
            r("bye", "Goodbye", "Thanks for contacting us.", &[]),
        ];
        let ids = |q: &str| -> Vec<String> {
            matching(&list, q)
                .iter()
                .map(|(_, r)| r.id.clone())
                .collect()
        };
        assert_eq!(ids(""), ["hi", "refund", "bye"]);
        assert_eq!(ids("HELLO"), ["hi"]);
        assert_eq!(ids("billing refund"), ["refund"]);
        assert_eq!(ids("thanks"), ["bye"]);
        assert!(ids("refund hello").is_empty());
    }

    #[test]
    fn names_are_filled_and_the_reply_replaces_the_slash_words_or_goes_at_the_caret() {
        let text = fill("Hi {customer}, I'm {agent}. {customer}?", "Ada", "Alex");
        assert_eq!(text, "Hi Ada, I'm Alex. Ada?");
        assert_eq!(insert("/gre", "Hello", true, 4), ("Hello".into(), 5));
        assert_eq!(
            insert("/gre\nSecond line", "Hello", true, 2),
            ("Hello\nSecond line".into(), 5)
        );
        assert_eq!(
            insert("Dear . Bye", "Ada", false, 5),
            ("Dear Ada. Bye".into(), 8)
        );
        assert_eq!(insert("é", "x", false, 99), ("éx".into(), 2));
        assert_eq!(insert("", "x", false, 0), ("x".into(), 1));
    }

    #[test]
    fn counts_are_said_in_words_and_personal_replies_keep_their_ids() {
        assert_eq!(count_text(0), "No quick replies match");
        assert_eq!(count_text(1), "1 quick reply");
        assert_eq!(count_text(4), "4 quick replies");
        let a = QuickReply {
            id: fresh_id(&[]),
            title: "A".into(),
            text: "a".into(),
            tags: vec![],
        };
        assert_eq!(a.id, "my-1");
        let mine = upsert(&[], a.clone());
        assert_eq!(fresh_id(&mine), "my-2");
        let edited = QuickReply {
            text: "b".into(),
            ..a
        };
        assert_eq!(upsert(&mine, edited.clone()), vec![edited]);
    }

    #[test]
    fn the_configuration_shape_reads_with_tags_optional() {
        let json = r#"[{"id":"hi","title":"Hi","text":"Hello"},{"id":"b","title":"B","text":"b","tags":["x"]}]"#;
        let list: Vec<QuickReply> = serde_json::from_str(json).unwrap();
        assert!(list[0].tags.is_empty());
        assert_eq!(list[1].tags, ["x"]);
        assert_eq!(serde_json::to_string(&list).unwrap(), json);
    }
}
