//! # indicast
//!
//! A forecasting engine for economic planners. It reads sourced yearly indicators (China → Shandong →
//! Zibo), fits small regression models with [linfa](https://docs.rs/linfa) on data available at each
//! cut-off, combines them with weights earned in rolling-origin backtests, calibrates the intervals with
//! the backtest errors, and gives for every target of the coming year a forecast distribution and the
//! probability that the target is met.
//!
//! Data flow: [`data`] (read, validate) → [`data::panel`] (vintage resolution, growth series) →
//! [`models`] (one-year-ahead forecasts) → [`engine`] (rolling origin, combination, calibration) →
//! [`nowcast`] (in-year update) → [`targets`] (P(met), historical calls) → [`run`] (the whole job) →
//! [`scenario`] (assumptions, Monte Carlo) → [`charts`] and [`report`] (CSV, tables, charts, report),
//! written through [`outfiles`] and [`atomic`]; [`generic`] is the many-series forecaster of
//! `indicast forecast`, [`extract`] reads work reports, [`vocab`], [`forecast`], [`inputs`] and
//! [`error`] serve them all. The layers and where to add things are below.
//!
//! ```
//! use indicast::run::{run, RunConfig};
//! use indicast::data::DataSource;
//! use indicast::run::Reports;
//! let cfg = RunConfig {
//!     source: DataSource::Bundled,
//!     as_of: Some(2022),
//!     tolerance: 0.5,
//!     calibrate: true,
//!     reports: Reports::Bundled,
//!     add_data: Vec::new(),
//!     period: None,
//! };
//! let result = run(&cfg)
//!     .expect("bundled data are valid");
//! assert!(result.assessments.iter().any(|a| a.target.region == "Zibo"));
//! ```
#![doc = include_str!("ARCHITECTURE.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod atomic;
pub mod charts;
pub mod data;
pub mod engine;
pub mod error;
pub mod extract;
pub mod forecast;
pub mod generic;
pub mod import;
pub mod inputs;
pub mod models;
pub mod nowcast;
pub mod outfiles;
pub mod report;
pub mod run;
pub mod scenario;
pub mod targets;
pub mod vocab;

pub use error::{Error, Result};
