// graphql-codegen for a TypeScript frontend: typed documents for every operation of
// frontend-contract/, checked against listkeeper's schema.graphql. See README.md.
//
// Run it from the frontend's folder. LISTKEEPER_DIR is where the listkeeper checkout is
// (a git submodule, say), relative to that folder; CODEGEN_OUT is where the types go.
import type { CodegenConfig } from "@graphql-codegen/cli";

const listkeeper = process.env.LISTKEEPER_DIR ?? "listkeeper";
const contract = `${listkeeper}/frontend-contract`;

const config: CodegenConfig = {
  schema: `${listkeeper}/schema.graphql`,
  documents: [
    `${contract}/*.graphql`,
    // schemas kept beside the operations, not operations
    `!${contract}/design-contract.graphql`,
    `!${contract}/released-schema.graphql`,
  ],
  ignoreNoDocuments: false,
  generates: {
    [process.env.CODEGEN_OUT ?? "src/gql/"]: {
      // client-preset alone: adding the `typescript` plugin next to `typescript-operations`
      // would declare every enum twice
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        strictScalars: true,
        scalars: {
          DateTime: "string", // ISO 8601 with time zone
          Date: "string", // YYYY-MM-DD
          Upload: "File", // sent as a GraphQL multipart request
          // listkeeper's JSON values are recipient attributes: names to strings (null: no value)
          JSON: "Record<string, string | null>",
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
