//! The science, with no knowledge of the web.

pub mod activation;
pub mod bench;
pub mod csv;
pub mod data;
pub mod dropout;
pub mod gemm;
pub mod init;
pub mod mlp;
pub mod neuron;
pub mod optim;
pub mod real;
pub mod rng;
pub mod stats;
pub mod train;
pub mod vmath;
