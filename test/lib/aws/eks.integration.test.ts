import { CreateClusterCommand, CreateFargateProfileCommand, CreateNodegroupCommand, ListTagsForResourceCommand } from '@aws-sdk/client-eks';
import { EksInventory as EksAdapter } from '../../../lib/aws/eks';
import { AwsAdapterError, NotFoundError } from '../../../lib/aws/errors';
import { clientsFor, MOTO_ACCOUNT, useMoto } from '../../support/moto';

const moto = useMoto();
const FARGATE_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/fargate-pods`;
const OTHER_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/other-pods`;

function setup() {
  const clients = clientsFor(moto().endpoint);
  return { clients, eks: new EksAdapter(clients.eks) };
}

async function createCluster(name: string): Promise<string> {
  const { clients } = setup();
  const out = await clients.eks.send(
    new CreateClusterCommand({ name, roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/cluster`, resourcesVpcConfig: { subnetIds: ['subnet-1'] } }),
  );
  return out.cluster!.arn!;
}

async function createProfile(cluster: string, name: string, role: string): Promise<string> {
  const { clients } = setup();
  const out = await clients.eks.send(
    new CreateFargateProfileCommand({ clusterName: cluster, fargateProfileName: name, podExecutionRoleArn: role, selectors: [{ namespace: name }] }),
  );
  return out.fargateProfile!.fargateProfileArn!;
}

beforeEach(async () => {
  await moto().reset();
});

describe('EksAdapter against moto', () => {
  it('lists clusters and finds the Fargate profiles using a role across them', async () => {
    // Prepare
    const { eks } = setup();
    await createCluster('prod');
    await createCluster('dev');
    await createCluster('empty');
    const prodDefault = await createProfile('prod', 'default', FARGATE_ROLE);
    await createProfile('prod', 'batch', OTHER_ROLE);
    const devDefault = await createProfile('dev', 'default', FARGATE_ROLE);

    // Act
    const clusters = await eks.listClusters();
    const arns = await eks.fargateProfileArnsForRole(FARGATE_ROLE);
    const none = await eks.fargateProfileArnsForRole(`arn:aws:iam::${MOTO_ACCOUNT}:role/unused`);

    // Assess
    expect(clusters.sort()).toEqual(['dev', 'empty', 'prod']);
    expect(arns.sort()).toEqual([devDefault, prodDefault].sort());
    expect(arns.every((a) => a.startsWith(`arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:fargateprofile/`))).toBe(true);
    expect(none).toEqual([]);
  });

  it('lists node groups with their node roles and describes Fargate profiles', async () => {
    // Prepare
    const { clients, eks } = setup();
    await createCluster('prod');
    const nodeRole = `arn:aws:iam::${MOTO_ACCOUNT}:role/nodes`;
    await clients.eks.send(new CreateNodegroupCommand({ clusterName: 'prod', nodegroupName: 'ng-1', nodeRole, subnets: ['subnet-1'] }));
    const profile = await createProfile('prod', 'default', FARGATE_ROLE);

    // Act
    const nodegroups = await eks.listNodegroups('prod');
    const role = await eks.nodegroupRoleArn('prod', 'ng-1');
    const described = await eks.describeFargateProfile('prod', 'default');
    const missing = await eks.describeFargateProfile('prod', 'nope');

    // Assess
    expect(nodegroups).toEqual(['ng-1']);
    expect(role).toBe(nodeRole);
    expect(described).toEqual({ arn: profile, podExecutionRoleArn: FARGATE_ROLE });
    expect(missing).toBeNull();
  });

  it('tags a cluster', async () => {
    // Prepare
    const { clients, eks } = setup();
    const arn = await createCluster('prod');

    // Act
    await eks.tagResource(arn, { 'eks-trust-guard:findings': 'association-role-trust,target-role-trust' });
    const tags = await clients.eks.send(new ListTagsForResourceCommand({ resourceArn: arn }));

    // Assess
    expect(tags.tags).toEqual({ 'eks-trust-guard:findings': 'association-role-trust_target-role-trust' });
  });

  it('maps tagging a resource moto does not know to NotFoundError', async () => {
    // Prepare
    const { eks } = setup();

    // Act
    const error = await eks.tagResource(`arn:aws:eks:us-east-1:${MOTO_ACCOUNT}:cluster/missing`, { a: 'b' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('fails loudly (not a silent null) on Pod Identity calls, which moto 5.2 does not implement', async () => {
    // Prepare
    const { eks } = setup();
    await createCluster('prod');

    // Act
    const error = await eks.describePodIdentityAssociation('prod', 'a-1234567890').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });
});
