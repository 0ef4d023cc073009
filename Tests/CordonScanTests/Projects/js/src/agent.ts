import { tool } from "ai";
import { z } from "zod";
import { readNote } from "./fsTools";

export const tools = {
  readNote: tool({
    description: "Read a note",
    parameters: z.object({ name: z.string() }),
    execute: readNote,
  }),
};
