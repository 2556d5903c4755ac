import { App, Chart } from 'cdk8s';
import { KeycloakV2Alpha1 } from './imports/keycloak-k8s.keycloak.org.js';
const app = new App();
const c = new Chart(app, 'x');
new KeycloakV2Alpha1(c, 'kc', { spec: { instances: 1 } });
app.synth();
