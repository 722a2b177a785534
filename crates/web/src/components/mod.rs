//! The page's components. Each receives props and emits `Action`s; none owns
//! business logic.

pub mod app;
pub mod canvas;
pub mod conflicts;
pub mod controls;
pub mod diagram;
pub mod glossary;
pub mod help;
pub mod leaderless;
pub mod multi_leader;
pub mod node_menu;
pub mod panels;
pub mod share;
pub mod timeline;
pub mod why;
