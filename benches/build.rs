//! Links libxcrypt (Debian's `libcrypt-dev`), whose `crypt_rn` is the bcrypt anchor.
fn main() {
    println!("cargo::rustc-link-lib=crypt");
}
