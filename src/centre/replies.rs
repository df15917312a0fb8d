//! The demo centre's quick replies (ui-contract.md, "Quick replies"): what a contact centre's
//! configuration carries as `quick_replies: [{id, title, text, tags?}]`. `{customer}` and
//! `{agent}` are filled in when the agent inserts one.

use crate::model::replies::QuickReply;

const REPLIES: [(&str, &str, &str, &[&str]); 10] = [
    (
        "greeting",
        "Greeting",
        "Hi {customer}, this is {agent}. Thanks for getting in touch — how can I help you today?",
        &["hello", "welcome"],
    ),
    (
        "one-moment",
        "One moment, please",
        "Thanks for your patience, {customer}. I'm looking into this now and will be back with you in a moment.",
        &["hold", "wait"],
    ),
    (
        "order-number",
        "Ask for the order number",
        "Could you send me your order number, please? You'll find it in your confirmation email.",
        &["order", "details"],
    ),
    (
        "verify",
        "Verify identity",
        "Before I can make changes to the account, could you confirm the email address and postcode it was opened with?",
        &["security", "account"],
    ),
    (
        "refund-started",
        "Refund on its way",
        "I've started your refund, {customer}. It usually reaches your account within 3–5 working days.",
        &["billing", "money"],
    ),
    (
        "invoice",
        "Invoice copy",
        "I've sent a copy of your invoice to the email address on your account. Let me know if it doesn't arrive within a few minutes.",
        &["billing", "receipt"],
    ),
    (
        "password-reset",
        "Password reset",
        "You can reset your password from the sign-in page with \"Forgot password\". The link in the email is valid for one hour.",
        &["login", "account"],
    ),
    (
        "escalate",
        "Passing to a specialist",
        "This needs one of our specialists, {customer}. I'm passing your conversation on with all the details, so you won't need to repeat anything.",
        &["transfer", "specialist"],
    ),
    (
        "anything-else",
        "Anything else?",
        "Is there anything else I can help you with today?",
        &["closing", "wrap"],
    ),
    (
        "goodbye",
        "Goodbye",
        "Thank you for contacting us, {customer}. Have a great day! — {agent}",
        &["closing", "thanks", "bye"],
    ),
];

/// The demo centre's quick replies.
pub fn demo() -> Vec<QuickReply> {
    REPLIES
        .iter()
        .map(|(id, title, text, tags)| QuickReply {
            id: (*id).to_owned(),
            title: (*title).to_owned(),
            text: (*text).to_owned(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ten_replies_with_distinct_ids_and_titles() {
        let list = demo();
        assert_eq!(list.len(), 10);
        assert_eq!(
            list.iter().map(|r| &r.id).collect::<BTreeSet<_>>().len(),
            10
        );
        assert_eq!(
            list.iter().map(|r| &r.title).collect::<BTreeSet<_>>().len(),
            10
        );
    }
}
