//! The widgets, one folder each (thaw's layout); `focus` and `icons` are shared helpers.
//! The generic ones — [`tab_list`], [`menu_button`], [`dialog`] — carry the WAI-ARIA
//! keyboard and focus rules once; the others compose them.

pub mod alert_settings;
pub mod assign_dialog;
pub mod capacity_meter;
pub mod confirm_dialog;
pub mod connection_status;
pub mod conversation;
pub mod customer_profile;
pub mod dashboard;
pub mod demo_region;
pub mod dialog;
pub mod discard_dialog;
pub mod focus;
pub mod force_close_dialog;
pub mod icons;
pub mod menu_button;
pub mod monitor_dialog;
pub mod offers;
pub mod ongoing_table;
pub mod presence_menu;
pub mod quick_replies;
pub mod refusal_bar;
pub mod session_tabs;
pub mod shortcuts_dialog;
pub mod sign_out;
pub mod status_bar;
pub mod stream;
pub mod supervisor_agents;
pub mod supervisor_queues;
pub mod tab_list;
pub mod top_bar;
pub mod transfer_menu;
pub mod why_dialog;
pub mod windowed;
