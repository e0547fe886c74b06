//! Building blocks that know nothing of rapport's records or of `App`: a
//! form of checked fields, a line of text input, and a list's selection.

pub mod form;
pub mod input;
pub mod nav;
