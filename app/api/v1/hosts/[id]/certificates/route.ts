import { holderCertificateRoutes } from "../../../_lib/holder-certificates";

export const { GET, POST } = holderCertificateRoutes("host");
