//! Quick replies and the supervisor's bodies on the wire: a configuration answer from a server
//! before quick replies still reads (the field defaults to empty), a reply's `tags` may be left
//! out, and the checks name the field at the limits.

use omnidesk_core::Config;
use omnidesk_wire::http::{quick_reply, ConfigAnswer, QuickReply, QuickReplyDraft};
use serde_json::json;

#[test]
fn a_config_answer_without_quick_replies_still_reads() {
    let config = serde_json::to_value(Config::new()).unwrap();
    let old: ConfigAnswer =
        serde_json::from_value(json!({"last_seq": 4, "config": config})).unwrap();
    assert!(old.quick_replies.is_empty());
    let reply: QuickReply =
        serde_json::from_value(json!({"id": "hi", "title": "Hi", "text": "Hello"})).unwrap();
    assert!(reply.tags.is_empty());
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"id": "hi", "title": "Hi", "text": "Hello"})
    );
    let draft: QuickReplyDraft =
        serde_json::from_value(json!({"title": "t", "text": "x", "tags": null})).unwrap();
    assert!(draft.tags.is_empty());
}

#[test]
fn the_checks_name_the_field_at_the_limits() {
    let field = |d: QuickReplyDraft| d.check().err().and_then(|e| e.field);
    let ok = QuickReplyDraft {
        title: "é".repeat(quick_reply::TITLE_MAX),
        text: "ü".repeat(quick_reply::TEXT_MAX),
        tags: vec!["t".repeat(quick_reply::TAG_MAX); quick_reply::TAGS_MAX],
    };
    assert_eq!(field(ok.clone()), None);
    let over = |f: fn(&mut QuickReplyDraft)| {
        let mut d = ok.clone();
        f(&mut d);
        field(d)
    };
    assert_eq!(over(|d| d.title.push('x')).as_deref(), Some("title"));
    assert_eq!(over(|d| d.text.push('x')).as_deref(), Some("text"));
    assert_eq!(over(|d| d.tags.push("x".into())).as_deref(), Some("tags"));
    assert_eq!(over(|d| d.tags[3].push('x')).as_deref(), Some("tags[3]"));
    assert_eq!(over(|d| d.title.clear()).as_deref(), Some("title"));
    let reply = QuickReply {
        id: String::new(),
        title: "t".into(),
        text: "x".into(),
        tags: vec![],
    };
    assert_eq!(
        reply.check().err().and_then(|e| e.field).as_deref(),
        Some("id")
    );
}
