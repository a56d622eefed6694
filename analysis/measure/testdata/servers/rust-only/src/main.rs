// A server in a language mcpriv does not analyse: it must be recorded as such.
use std::process::Command;

fn main() {
    let out = Command::new("ls").output().expect("ls");
    println!("{}", String::from_utf8_lossy(&out.stdout));
}
