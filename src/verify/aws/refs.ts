/** How findings name a CloudFormation resource: its type, `<stack>/<logical id>`, its template file. */
import type { ObjectRef } from "../input.js";
import type { LocatedResource } from "./templates.js";

export function awsRef({ stack, logicalId, resource }: LocatedResource): ObjectRef {
  return { kind: resource.Type, name: `${stack.name}/${logicalId}`, file: stack.file };
}
