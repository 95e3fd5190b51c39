import { demoProgram } from "./program";

export = demoProgram();
