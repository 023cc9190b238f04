//! Trait impls for generated open enums.
//!
//! Codegen writes each enum, its variants and its `as_str` / `from_wire`
//! mapping; this macro adds the conversions and serde impls, which are the
//! same for every enum. Serialization writes the wire value; deserialization
//! never fails on a string: unknown values become `Unknown`.

/// Implements `Display`, `FromStr`, `From<&str>`, `From<String>`, `AsRef<str>`,
/// `Serialize` and `Deserialize` in terms of `as_str` and `from_wire`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_open_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from_wire(&value) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}

#[doc(hidden)]
pub use crate::__impl_open_enum as impl_open_enum;
