import { exec } from "child_process";
// mcpriv-ignore: system.exec -- needed to run git
exec("git status");
exec("ls"); // mcpriv-ignore: system.exec, file.read -- listing
/* mcpriv-ignore */
exec("pwd");
