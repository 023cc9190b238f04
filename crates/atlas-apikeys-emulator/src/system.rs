//! Which MongoDB product the emulator plays: the client crate's `System`,
//! so the emulator, the SDK, the settings and the command line name the
//! products one way.

pub use atlas_apikeys_client::System;
