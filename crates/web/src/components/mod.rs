//! The page's components: the app shell and the cluster canvas.

pub mod app;
pub mod canvas;
