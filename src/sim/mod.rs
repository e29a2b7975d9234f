//! The science, with no knowledge of the web.

pub mod activation;
