//! The science of the Dying ReLU Explorer, with no knowledge of the web (the `sim` module of
//! `dying-relu`, which re-exports it).

pub mod activation;
pub mod bench;
pub mod csv;
pub mod data;
pub mod dead;
pub mod dropout;
pub mod gemm;
pub mod init;
pub mod loss;
pub mod mlp;
pub mod neuron;
pub mod norm;
pub mod optim;
pub mod playground;
pub mod real;
pub mod redo;
pub mod rng;
pub mod stats;
pub mod train;
pub mod unit_scan;
pub mod vmath;
